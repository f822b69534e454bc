import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor';
import type { EventStore } from '../event-store/event-store';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { decide, type ErasureBasis } from '../journey/domain';
import { today } from '../journey/event-data';
import { loadJourney, type LoadedJourney } from '../journey/journey-stream';
import { PersonKeys, type ErasureRequest } from '../personal-data/person-keys';
import { RecordJourneyFactCommand, type RecordedFactAnswer } from '../persons/record-fact/record-fact.command';

/**
 * Erasure by crypto-shredding, all or nothing: the person's data key is destroyed first (leaving a tombstone that
 * says who asked and why), then PersonalDataErased is appended. So the log never says erased while the key still
 * exists. A failure in between is completed by asking again, or at the next start (completeInterrupted).
 */
@Injectable()
export class PersonErasure implements OnApplicationBootstrap {
  private readonly logger = new Logger(PersonErasure.name);

  constructor(
    private readonly commandBus: CommandBus,
    private readonly keys: PersonKeys,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async erase(personId: string, basis: ErasureBasis, actor: Actor, journey: LoadedJourney): Promise<RecordedFactAnswer> {
    const request = { personId, basis, actor: actor.sub, organisationId: actor.org };
    const earlier = [...journey.events].reverse().find((event) => event.type === 'PersonalDataErased');
    if (earlier) {
      await this.keys.destroy(request);
      await this.keys.erasureRecorded(personId);
      return { revision: earlier.streamRevision, position: earlier.position };
    }
    const fact = erasureOf(basis, actor.org);
    decide(fact, journey.state); // the rules (who may erase) before anything is destroyed
    await this.keys.destroy(request);
    // The journey is read again: the key is gone, and the event must follow whatever was appended meanwhile.
    const answer = await this.commandBus.execute<RecordJourneyFactCommand, RecordedFactAnswer>(
      new RecordJourneyFactCommand(personId, fact, actor, randomUUID()),
    );
    await this.keys.erasureRecorded(personId);
    return answer;
  }

  /** Erasures whose key was destroyed but whose event was never appended (a crash in between) are completed. */
  async onApplicationBootstrap(): Promise<void> {
    await this.completeInterrupted();
  }

  async completeInterrupted(): Promise<void> {
    for (const request of await this.keys.unrecordedErasures()) {
      try {
        await this.complete(request);
      } catch (error) {
        // Ids and codes only: the person's id is pseudonymous, and the rule names no personal data.
        this.logger.error(`erasure of person ${request.personId} not completed: ${error instanceof Error ? error.name : 'unknown error'}`);
      }
    }
  }

  private async complete({ personId, basis, actor, organisationId }: ErasureRequest): Promise<void> {
    const journey = await loadJourney(this.store, personId);
    if (!journey.state.personalDataErased) {
      const asker: Actor = { sub: actor, org: organisationId, roles: ['admin'] };
      await this.commandBus.execute(new RecordJourneyFactCommand(personId, erasureOf(basis, organisationId), asker, randomUUID()));
    }
    await this.keys.erasureRecorded(personId);
    this.logger.log(`erasure of person ${personId} completed after an interruption`);
  }
}

/** The fact an erasure records: a code, nothing about the person. */
function erasureOf(basis: ErasureBasis, organisationId: string) {
  return { type: 'PersonalDataErased' as const, occurredAt: today(), data: { basis }, organisationId };
}
