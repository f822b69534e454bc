import type { Actor } from '../../auth/actor';
import type { RecordFact } from '../../journey/domain';

/** Record one fact of a person's journey (PersonRegistered included). */
export class RecordJourneyFactCommand {
  constructor(
    readonly personId: string,
    readonly fact: RecordFact,
    readonly actor: Actor,
    readonly correlationId: string,
    /** If-Match: the revision the client last saw; a mismatch writes nothing. */
    readonly expectedRevision?: number,
    /** Idempotency-Key: a retry with the same key writes nothing new and answers as the first time. */
    readonly idempotencyKey?: string,
  ) {}
}

export interface RecordedFactAnswer {
  revision: number;
  position: number;
}
