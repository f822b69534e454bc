import { DuplicateEventIdError, type StreamAppend } from './event-store';

/**
 * What every adapter refuses before touching its server: an empty append, a stream named twice in one call, an
 * event id given twice in one call (the id comparison ignores case: ids are UUIDs).
 */
export function checkAppends(appends: readonly StreamAppend[]): void {
  const streams = new Set<string>();
  const ids = new Set<string>();
  for (const { streamId, events } of appends) {
    if (events.length === 0) throw new RangeError(`Stream ${streamId}: an append needs at least one event`);
    if (streams.has(streamId)) throw new RangeError(`Stream ${streamId} appears twice in one append`);
    streams.add(streamId);
    for (const { eventId } of events) {
      if (ids.has(eventId.toLowerCase())) throw new DuplicateEventIdError(eventId);
      ids.add(eventId.toLowerCase());
    }
  }
}
