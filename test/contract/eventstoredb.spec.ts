/**
 * The same contract on EventStoreDB (a later issue). It needs a server (`docker compose up eventstore`), its
 * connection string in EVENTSTORE_CONNECTION_STRING, and the adapter src/event-store/eventstoredb-event-store.ts,
 * which does not exist yet: until both are there this file says plainly that the run is skipped, and why.
 * When the adapter lands, replace the skip below with
 * `describeEventStoreContract('EventStoreDB', ...)` (densePositions: false).
 */
const reason = process.env.EVENTSTORE_CONNECTION_STRING
  ? 'the EventStoreDB adapter (src/event-store/eventstoredb-event-store.ts) is not written yet'
  : 'EVENTSTORE_CONNECTION_STRING is not set (start a server with `docker compose up eventstore` and set it)';

console.warn(`[contract] EventStoreDB run skipped: ${reason}`);

describe.skip('EventStore contract: EventStoreDB', () => {
  test.skip(`skipped: ${reason}`, () => undefined);
});
