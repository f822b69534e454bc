import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb-event-store';
import { WrongExpectedRevisionError } from '../../src/event-store/event-store';
import { canonicalBytes, sha256Hex } from '../../src/integrity/canonical';
import { describeEventStoreContract, fact, streamId } from './event-store.contract';
import { eventStoreDbSkipReason } from './eventstoredb-run';

/**
 * The same contract on EventStoreDB (src/event-store/eventstoredb-event-store.ts). It needs a server
 * (`docker compose up eventstore`) and its connection string in EVENTSTORE_CONNECTION_STRING, e.g.
 * `esdb://localhost:2113?tls=false` (docs/eventstoredb.md); without one this file says plainly that the run is
 * skipped, and why. Each store opened here makes its own client from the connection string and disposes it on
 * close, so the concurrency test's writers are separate connections, as separate processes would be.
 */
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  describeEventStoreContract(
    'EventStoreDB',
    async () => ({
      open: async () => new EventStoreDbEventStore(connectionString),
      densePositions: false,
      dispose: async () => undefined,
    }),
    { uniqueEventIds: false },
  );

  describe('EventStoreDbEventStore beyond the port', () => {
    let store: EventStoreDbEventStore;

    beforeAll(() => {
      store = new EventStoreDbEventStore(connectionString);
    });

    afterAll(async () => {
      await store.close();
    });

    test('appendMany appends stream after stream, each answered with its revision and position, each chained', async () => {
      const [a, b] = [streamId(), streamId()];
      await store.append(b, [fact()], 'no_stream');
      const results = await store.appendMany([
        { streamId: a, events: [fact(), fact()], expected: 'no_stream' },
        { streamId: b, events: [fact()], expected: 0 },
      ]);
      const streams = await store.readStreams([a, b, streamId()]);
      expect([...streams.keys()].sort()).toEqual([a, b].sort());
      const lastOfA = streams.get(a)?.[1];
      const lastOfB = streams.get(b)?.[1];
      expect(results).toEqual([
        { nextExpectedRevision: 1, position: lastOfA?.position },
        { nextExpectedRevision: 1, position: lastOfB?.position },
      ]);
      expect(lastOfA?.prevEventHash).toBe(streams.get(a)?.[0]?.eventHash);
      expect(lastOfB?.prevEventHash).toBe(streams.get(b)?.[0]?.eventHash);
      expect(lastOfB?.position).toBeGreaterThan(lastOfA?.position as number);
    });

    test('appendMany stops at the first conflict, keeping the streams before it; the same call again completes it', async () => {
      const [a, b, c] = [streamId(), streamId(), streamId()];
      const appends = [
        { streamId: a, events: [fact(), fact()], expected: 'no_stream' as const },
        { streamId: b, events: [fact()], expected: 0 },
        { streamId: c, events: [fact()], expected: 'no_stream' as const },
      ];
      const failing = store.appendMany(appends);
      await expect(failing).rejects.toThrow(WrongExpectedRevisionError);
      await expect(failing).rejects.toMatchObject({ streamId: b, expected: 0, actual: 'no_stream' });
      expect([...(await store.readStreams([a, b, c])).keys()]).toEqual([a]);

      await store.append(b, [fact()], 'no_stream');
      const results = await store.appendMany(appends);
      expect(results.map((result) => result.nextExpectedRevision)).toEqual([1, 1, 0]);
      const streams = await store.readStreams([a, b, c]);
      expect(streams.get(a)?.map((event) => event.eventId)).toEqual(appends[0]?.events.map((event) => event.eventId));
      expect(streams.get(a)?.[1]?.position).toBe(results[0]?.position);
      expect(streams.get(c)).toHaveLength(1);
    });

    test('an event id given in capitals is sealed and stored in lowercase, so its stored chain still verifies', async () => {
      const stream = streamId();
      const given = fact();
      await store.append(stream, [{ ...given, eventId: given.eventId.toUpperCase() }], 'no_stream');
      const [stored] = (await store.readStreams([stream])).get(stream) ?? [];
      expect(stored?.eventId).toBe(given.eventId.toLowerCase());
      expect(stored?.eventHash).toBe(sha256Hex(canonicalBytes(stored as NonNullable<typeof stored>)));
    });
  });
} else {
  // The global setup prints the reason too: Jest shows no output of a file whose tests are all skipped.
  describe.skip('EventStore contract: EventStoreDB', () => {
    test.skip(`skipped: ${eventStoreDbSkipReason()}`, () => undefined);
  });
}
