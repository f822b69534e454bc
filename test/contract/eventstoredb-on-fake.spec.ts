import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb-event-store';
import { FakeEventStoreDb } from '../support/fake-eventstoredb-client';
import { describeEventStoreContract } from './event-store.contract';

/**
 * The port's contract on the EventStoreDB adapter, its gRPC client's calls answered by a stand-in for the server
 * (test/support/fake-eventstoredb-client.ts). This proves the adapter's own logic (sealing and chaining, expected
 * revisions over reads and compare-and-swap appends, retries recognised, positions, filters, subscriptions) against
 * the server's documented rules, where no server can run; eventstoredb.spec.ts runs the same suite on a real one.
 * System events are in the log from the start, as on a real server.
 */
// The concurrency test's `any` appends each read their whole stream (the adapter's documented cost), which a
// machine busy with the rest of the suite slows several times over.
jest.setTimeout(180_000);

describeEventStoreContract(
  'EventStoreDB adapter on a stand-in for its server',
  async () => {
    const server = new FakeEventStoreDb();
    server.writeSystemEvent();
    return { open: async () => new EventStoreDbEventStore(server.client()), densePositions: false, dispose: async () => undefined };
  },
  { uniqueEventIds: false },
);
