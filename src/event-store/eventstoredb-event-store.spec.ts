import { AccessDeniedError, UnavailableError } from '@eventstore/db-client';
import { fact, streamId } from '../../test/contract/event-store.contract';
import { FakeEventStoreDb } from '../../test/support/fake-eventstoredb-client';
import { NO_PREVIOUS_HASH } from '../integrity/canonical';
import { WrongExpectedRevisionError, type RecordedEvent } from './event-store';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import type { EventStoreDbClient } from './eventstoredb-client';
import type { Retries } from './eventstoredb-retry';

/**
 * The adapter's own logic, its gRPC client's calls answered by a stand-in for the server
 * (test/support/fake-eventstoredb-client.ts) whose faults are injected call by call.
 */
const QUICK: Retries = {
  calls: { retries: 3, firstDelayMs: 1, maxDelayMs: 4 },
  subscriptions: { retries: Infinity, firstDelayMs: 1, maxDelayMs: 4 },
};

describe('EventStoreDbEventStore on its client', () => {
  let server: FakeEventStoreDb;
  let store: EventStoreDbEventStore;

  beforeEach(() => {
    server = new FakeEventStoreDb();
    store = new EventStoreDbEventStore(server.client(), QUICK);
  });

  afterEach(async () => {
    await store.close();
  });

  describe('positions', () => {
    test("are the server's commit positions, and a read resumes from one as its starting point", async () => {
      server = new FakeEventStoreDb({ firstPosition: 7_000_000n });
      store = new EventStoreDbEventStore(server.client(), QUICK);
      const stream = streamId();
      const { position } = await store.append(stream, [fact(), fact()], 'no_stream');
      const events = await collect(store.readStream(stream));
      expect(events[0]?.position).toBe(7_000_000);
      expect(position).toBe(events[1]?.position);
      expect(position).toBeGreaterThan(7_000_001); // not dense: commit positions are byte offsets

      const after = events[0]?.position as number;
      expect((await collect(store.readAll({ after }))).map((event) => event.eventId)).toEqual([events[1]?.eventId]);
      expect(server.calls.at(-1)).toMatchObject({ call: 'readAll', options: { fromPosition: { commit: 7_000_000n, prepare: 7_000_000n } } });
    });

    test('beyond the safe integers are refused, not rounded: on append and on every read', async () => {
      server = new FakeEventStoreDb({ firstPosition: 2n ** 53n });
      store = new EventStoreDbEventStore(server.client(), QUICK);
      const stream = streamId();
      await expect(store.append(stream, [fact()], 'no_stream')).rejects.toThrow(RangeError);
      await expect(collect(store.readStream(stream))).rejects.toThrow(/commit position 9007199254740992 is not a usable position/);
      await expect(collect(store.readAll())).rejects.toThrow(RangeError);
      await expect(store.headPosition()).rejects.toThrow(RangeError);
      await expect(collect(store.subscribeToAll())).rejects.toThrow(RangeError);
    });
  });

  describe('expected revision', () => {
    /** A client whose next append to the stream is preceded by another writer's append there. */
    function racedBy(writer: EventStoreDbEventStore, stream: string): EventStoreDbClient {
      const client = server.client();
      let raced = false;
      return {
        ...client,
        appendToStream: (async (...args: Parameters<EventStoreDbClient['appendToStream']>) => {
          if (!raced) {
            raced = true;
            await writer.append(stream, [fact()], 'any');
          }
          return client.appendToStream(...args);
        }) as EventStoreDbClient['appendToStream'],
      };
    }

    test("the server's WrongExpectedVersion becomes WrongExpectedRevisionError with the stream's actual revision", async () => {
      const stream = streamId();
      await store.append(stream, [fact()], 'no_stream');
      const raced = new EventStoreDbEventStore(racedBy(store, stream), QUICK);

      const append = raced.append(stream, [fact()], 0);
      await expect(append).rejects.toThrow(WrongExpectedRevisionError);
      await expect(append).rejects.toMatchObject({ streamId: stream, expected: 0, actual: 1 });
      expect(server.calls.filter(({ call }) => call === 'appendToStream').map(({ options }) => options)).toEqual([
        { streamName: stream, expectedRevision: 'no_stream' },
        { streamName: stream, expectedRevision: 0n }, // the other writer's, first: its 'any' too is a compare-and-swap
        { streamName: stream, expectedRevision: 0n }, // refused by the server: the head has moved
      ]);
    });

    test('no_stream against a stream created in between is refused with its actual revision', async () => {
      const stream = streamId();
      const raced = new EventStoreDbEventStore(racedBy(store, stream), QUICK);
      await expect(raced.append(stream, [fact()], 'no_stream')).rejects.toMatchObject({ expected: 'no_stream', actual: 0 });
    });

    test('any, refused by the server because another writer moved the head, chains onto the new head instead', async () => {
      const stream = streamId();
      await store.append(stream, [fact()], 'no_stream');
      const raced = new EventStoreDbEventStore(racedBy(store, stream), QUICK);
      expect((await raced.append(stream, [fact()], 'any')).nextExpectedRevision).toBe(2);
      const events = await collect(store.readStream(stream));
      expect(events.map((event) => event.prevEventHash)).toEqual([NO_PREVIOUS_HASH, events[0]?.eventHash, events[1]?.eventHash]);
    });
  });

  describe('transient failures', () => {
    test('an append whose answer was lost is made again and answered as the first time, its events stored once', async () => {
      const stream = streamId();
      const events = [fact(), fact()];
      server.failNext('appendToStream', new UnavailableError(), { afterStoring: true });
      const result = await store.append(stream, events, 'no_stream');
      const stored = await collect(store.readStream(stream));
      expect(stored.map((event) => event.eventId)).toEqual(events.map((event) => event.eventId));
      expect(result).toEqual({ nextExpectedRevision: 1, position: stored[1]?.position });
    });

    test('an append the server did not take is made again', async () => {
      const stream = streamId();
      server.failNext('appendToStream', new UnavailableError());
      server.failNext('appendToStream', new UnavailableError());
      expect((await store.append(stream, [fact()], 'no_stream')).nextExpectedRevision).toBe(0);
      expect(await collect(store.readStream(stream))).toHaveLength(1);
    });

    test('a stream read cut off midway resumes after the last event it delivered, forwards and backwards', async () => {
      const stream = streamId();
      await store.append(
        stream,
        Array.from({ length: 9 }, () => fact()),
        'no_stream',
      );
      server.failNext('readStream', new UnavailableError(), { afterItems: 4 });
      expect(await revisions(store.readStream(stream, { fromRevision: 1, maxCount: 6 }))).toEqual([1, 2, 3, 4, 5, 6]);
      server.failNext('readStream', new UnavailableError(), { afterItems: 3 });
      expect(await revisions(store.readStream(stream, { direction: 'backwards' }))).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 0]);
      const reads = server.calls.filter(({ call }) => call === 'readStream').slice(-4);
      expect(reads.map(({ options }) => options)).toMatchObject([
        { fromRevision: 1n, maxCount: 6 },
        { fromRevision: 5n, maxCount: 2 },
        { fromRevision: 'end', direction: 'backwards' },
        { fromRevision: 5n, direction: 'backwards' },
      ]);
    });

    test('a read of $all cut off midway resumes after the last position it delivered', async () => {
      const written = Array.from({ length: 7 }, () => fact());
      for (const event of written) await store.append(streamId(), [event], 'no_stream');
      server.failNext('readAll', new UnavailableError(), { afterItems: 3 });
      const read = await collect(store.readAll());
      expect(read.map((event) => event.eventId)).toEqual(written.map((event) => event.eventId));
    });

    test('give up after the retries the policy allows, with the last error', async () => {
      for (let i = 0; i < 4; i++) server.failNext('appendToStream', new UnavailableError());
      await expect(store.append(streamId(), [fact()], 'no_stream')).rejects.toThrow(UnavailableError);
    });

    test('any other error reaches the caller at once', async () => {
      server.failNext('readStream', new AccessDeniedError());
      await expect(collect(store.readStream(streamId()))).rejects.toThrow(AccessDeniedError);
      expect(server.calls.filter(({ call }) => call === 'readStream')).toHaveLength(1);
    });
  });

  describe('readAll with a filter', () => {
    test('asks the server to filter (a subscription with the filter, ended at the end of the log), then stops', async () => {
      const prefix = `filtered${Date.now()}`;
      server.writeSystemEvent();
      await store.append(`${prefix}-a`, [fact('Opened'), fact('Served')], 'no_stream');
      await store.append(`elsewhere-${prefix}`, [fact('Served')], 'no_stream');
      await store.append(`${prefix}-b`, [fact('Served')], 'no_stream');
      server.writeSystemEvent();

      const read = await collect(store.readAll({ filter: { streamPrefix: prefix } }));
      expect(read.map((event) => event.streamId)).toEqual([`${prefix}-a`, `${prefix}-a`, `${prefix}-b`]);
      const served = await collect(store.readAll({ filter: { eventTypes: ['Served'] } }));
      expect(served.map((event) => event.streamId)).toEqual([`${prefix}-a`, `elsewhere-${prefix}`, `${prefix}-b`]);

      const filters = server.calls.filter(({ call }) => call === 'subscribeToAll').map(({ options }) => (options as { filter: unknown }).filter);
      expect(filters).toMatchObject([
        { filterOn: 'streamName', prefixes: [prefix] },
        { filterOn: 'eventType', prefixes: ['Served'] },
      ]);
      expect(server.calls.filter(({ call, options }) => call === 'readAll' && (options as { direction?: string }).direction !== 'backwards')).toEqual([]);
      expect(server.liveSubscriptions).toBe(0);
    });

    test('ends at the log as it was when the read began, not at events appended while it reads', async () => {
      const prefix = `filtered${Date.now()}`;
      const first = [fact(), fact()];
      await store.append(`${prefix}-a`, first, 'no_stream');
      const read: RecordedEvent[] = [];
      for await (const event of store.readAll({ filter: { streamPrefix: prefix } })) {
        read.push(event);
        if (read.length === 1) await store.append(`${prefix}-b`, [fact()], 'no_stream');
      }
      expect(read.map((event) => event.eventId)).toEqual(first.map((event) => event.eventId));
    });

    test('also ends on a server that says it went live by a checkpoint only (before 23.10)', async () => {
      server = new FakeEventStoreDb({ caughtUpAs: 'checkpoint' });
      store = new EventStoreDbEventStore(server.client(), QUICK);
      const prefix = `filtered${Date.now()}`;
      await store.append(`${prefix}-a`, [fact()], 'no_stream');
      await store.append(`other-${prefix}`, [fact()], 'no_stream');
      expect(await collect(store.readAll({ filter: { streamPrefix: prefix } }))).toHaveLength(1);
    });

    test('a filtered read cut off midway resumes after the last event it delivered', async () => {
      const prefix = `filtered${Date.now()}`;
      const written = Array.from({ length: 6 }, () => fact());
      for (const [index, event] of written.entries()) await store.append(`${prefix}-${index}`, [event], 'no_stream');
      server.failNext('subscribeToAll', new UnavailableError(), { afterItems: 2 });
      const read = await collect(store.readAll({ filter: { streamPrefix: prefix } }));
      expect(read.map((event) => event.eventId)).toEqual(written.map((event) => event.eventId));
    });
  });

  describe('readCanonicalLog', () => {
    test('is finite: the events with after < position <= upTo, even while appends go on', async () => {
      const stream = streamId();
      await store.append(
        stream,
        Array.from({ length: 6 }, () => fact()),
        'no_stream',
      );
      const positions = (await collect(store.readStream(stream))).map((event) => event.position);
      const read: number[] = [];
      for await (const event of store.readCanonicalLog({ after: positions[0], upTo: positions[3] })) {
        read.push(event.position);
        await store.append(stream, [fact()], 'any');
      }
      expect(read).toEqual(positions.slice(1, 4));
      const rest = await collect(store.readCanonicalLog({ after: positions[4] }));
      expect(rest[0]?.position).toBe(positions[5]);
      expect(rest).toHaveLength(1 + read.length);
    });
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function revisions(events: AsyncIterable<RecordedEvent>): Promise<number[]> {
  return (await collect(events)).map((event) => event.streamRevision);
}
