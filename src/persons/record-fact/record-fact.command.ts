import type { Actor } from '../../auth/actor';
import type { JourneyCommand } from '../../journey/domain';
import type { LoadedJourney } from '../../journey/journey-stream';

export interface RecordFactOptions {
  /** If-Match: the revision the client last saw; a mismatch writes nothing. */
  expectedRevision?: number;
  /** Idempotency-Key: a retry with the same key writes nothing new and answers as the first time. */
  idempotencyKey?: string;
  /** The journey this request already read (CheckedJourney); read again when absent. */
  journey?: LoadedJourney;
}

/** Record one fact of a person's journey (PersonRegistered included). */
export class RecordJourneyFactCommand {
  constructor(
    readonly personId: string,
    readonly fact: JourneyCommand,
    readonly actor: Actor,
    readonly correlationId: string,
    readonly options: RecordFactOptions = {},
  ) {}
}

export interface RecordedFactAnswer {
  revision: number;
  position: number;
}
