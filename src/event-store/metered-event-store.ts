import type { LedgerMetrics } from '../metrics/metrics';
import { WrongExpectedRevisionError, type AppendResult, type EventStore } from './event-store';

/** Counts and times appends around any adapter, so both adapters report the same figures. */
export function meteredEventStore(store: EventStore, metrics: LedgerMetrics): EventStore {
  async function metered<T extends AppendResult | AppendResult[]>(eventCount: number, append: () => Promise<T>): Promise<T> {
    const stopTimer = metrics.appendSeconds.startTimer();
    try {
      const result = await append();
      metrics.eventsAppended.inc(eventCount);
      return result;
    } catch (error) {
      metrics.appendFailures.inc({ reason: error instanceof WrongExpectedRevisionError ? 'conflict' : 'error' });
      throw error;
    } finally {
      stopTimer();
    }
  }
  const snapshot = store.openStreamsSnapshot?.bind(store);
  return {
    append: (streamId, events, expected) => metered(events.length, () => store.append(streamId, events, expected)),
    appendMany: (appends) =>
      metered(
        appends.reduce((sum, a) => sum + a.events.length, 0),
        () => store.appendMany(appends),
      ),
    readStreams: (streamIds) => store.readStreams(streamIds),
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    subscribeToCanonicalLog: (options) => store.subscribeToCanonicalLog(options),
    readCanonicalLog: (range) => store.readCanonicalLog(range),
    ...(snapshot && { openStreamsSnapshot: snapshot }),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
  };
}
