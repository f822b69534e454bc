import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ErasePersonalData } from '../application/journey-commands';
import { PersonKeys } from '../personal-data/person-keys';

/**
 * Erasures whose key was destroyed but whose PersonalDataErased was never appended (the process stopped in
 * between) are completed at start-up, as asked: same basis, same organisation.
 */
@Injectable()
export class ErasureCompletion implements OnApplicationBootstrap {
  private readonly logger = new Logger(ErasureCompletion.name);

  constructor(
    private readonly commands: CommandBus,
    private readonly keys: PersonKeys,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const { personId, basis, actor, organisationId } of await this.keys.unrecordedErasures()) {
      try {
        await this.commands.execute(new ErasePersonalData(personId, { sub: actor, org: organisationId, roles: ['admin'] }, () => basis));
        this.logger.log(`erasure of person ${personId} completed after an interruption`);
      } catch (error) {
        // Ids and codes only: the person's id is pseudonymous, and the rule names no personal data.
        this.logger.error(`erasure of person ${personId} not completed: ${error instanceof Error ? error.name : 'unknown error'}`);
      }
    }
  }
}
