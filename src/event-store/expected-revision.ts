import type { StreamHead } from '../integrity/canonical';
import type { AppendResult, ExpectedRevision, NewEvent } from './event-store';

/** The stream's actual revision when it does not meet the expectation, else undefined (EventStoreDB's rules). */
export function unmetExpectation(expected: ExpectedRevision, head: StreamHead | undefined): number | 'no_stream' | undefined {
  const actual = head ? head.revision : 'no_stream';
  if (expected === 'any') return undefined;
  if (expected === 'no_stream') return head ? actual : undefined;
  if (expected === 'stream_exists') return head ? undefined : actual;
  return actual === expected ? undefined : actual;
}

/** Where an event id already sits in the log. */
export interface StoredEventPlace {
  eventId: string;
  streamId: string;
  streamRevision: number;
  position: number;
}

/**
 * The result of an earlier, identical append when `events` are exactly a retry of it: every id already in this
 * stream, consecutive and in order, starting where `expected` says they go (anywhere for any/stream_exists).
 */
export function priorAppend(
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
  stored: readonly StoredEventPlace[],
): AppendResult | undefined {
  const byId = new Map(stored.map((place) => [place.eventId.toLowerCase(), place]));
  const places = events.map((event) => byId.get(event.eventId.toLowerCase()));
  const first = places[0]?.streamRevision;
  if (first === undefined) return undefined;
  const start = expected === 'no_stream' ? 0 : typeof expected === 'number' ? expected + 1 : first;
  const exact = places.every((place, index) => place?.streamId === streamId && place.streamRevision === start + index);
  if (!exact) return undefined;
  const last = places[places.length - 1] as StoredEventPlace;
  return { nextExpectedRevision: last.streamRevision, position: last.position };
}
