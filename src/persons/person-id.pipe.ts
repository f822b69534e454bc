import { ParseUUIDPipe, type ArgumentMetadata } from '@nestjs/common';
import { badRequest } from '../http/problem';

/**
 * `personId` in a path must be a UUID; the problem names the field. Lower-cased, as AuthGuard reads the person's
 * stream by it: an id written in capitals is the same person, never another stream.
 */
class PersonIdPipe extends ParseUUIDPipe {
  constructor() {
    super({ exceptionFactory: () => badRequest([{ field: 'personId', reason: 'must be a UUID' }]) });
  }

  override async transform(value: string, metadata: ArgumentMetadata): Promise<string> {
    await super.transform(value, metadata); // refuses what is not a UUID
    return value.toLowerCase();
  }
}

export const personIdPipe = new PersonIdPipe();
