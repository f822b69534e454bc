import { WrongExpectedRevisionError, type EventStore, type ExpectedRevision, type NewEvent } from '../event-store/event-store';
import type { LedgerMetrics } from './metrics';

/** Counts and times appends around any adapter, so both adapters report the same figures. */
export function meteredEventStore(store: EventStore, metrics: LedgerMetrics): EventStore {
  return {
    async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision) {
      const stopTimer = metrics.appendSeconds.startTimer();
      try {
        const result = await store.append(streamId, events, expected);
        metrics.eventsAppended.inc(events.length);
        return result;
      } catch (error) {
        metrics.appendFailures.inc({ reason: error instanceof WrongExpectedRevisionError ? 'conflict' : 'error' });
        throw error;
      } finally {
        stopTimer();
      }
    },
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
  };
}
