import { Pool } from 'pg';
import { migrate } from '../../src/database/data-source';
import { WrongExpectedRevisionError } from '../../src/event-store/event-store';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { sha256Hex } from '../../src/integrity/canonical';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { describeEventStoreContract, fact, streamId } from './event-store.contract';

describeEventStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  await migrate(database.url);
  // 8 concurrent writers + the subscriber's reads + its listening connection.
  const pool = new Pool({ connectionString: database.url, max: 12 });
  return {
    // A small odd batch size makes every read cross page boundaries.
    open: async () => new PostgresEventStore(pool, { batchSize: 7, pollIntervalMs: 250 }),
    densePositions: true,
    async dispose() {
      await pool.end();
      await database.drop();
    },
  };
});

describe('PostgresEventStore beyond the port', () => {
  let database: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrate(database.url);
    pool = new Pool({ connectionString: database.url, max: 4 });
    store = new PostgresEventStore(pool);
  });

  afterAll(async () => {
    await store.close();
    await pool.end();
    await database.drop();
  });

  test('appendMany writes several streams in one transaction, each answered with its revision and position', async () => {
    const [a, b, c] = [streamId(), streamId(), streamId()];
    await store.append(b, [fact()], 'no_stream');
    const start = await store.headPosition();
    const results = await store.appendMany([
      { streamId: a, events: [fact(), fact()], expected: 'no_stream' },
      { streamId: b, events: [fact()], expected: 0 },
      { streamId: c, events: [fact(), fact(), fact()], expected: 'any' },
    ]);
    expect(results).toEqual([
      { nextExpectedRevision: 1, position: start + 2 },
      { nextExpectedRevision: 1, position: start + 3 },
      { nextExpectedRevision: 2, position: start + 6 },
    ]);
    const streams = await store.readStreams([a, b, c, streamId()]);
    expect([...streams.keys()].sort()).toEqual([a, b, c].sort());
    expect(streams.get(b)?.map((event) => event.streamRevision)).toEqual([0, 1]);
    expect(streams.get(b)?.[1]?.prevEventHash).toBe(streams.get(b)?.[0]?.eventHash);
    expect(streams.get(c)?.map((event) => event.position)).toEqual([start + 4, start + 5, start + 6]);
  });

  test('appendMany writes nothing when one stream conflicts, and names that stream', async () => {
    const [a, b] = [streamId(), streamId()];
    await store.append(b, [fact(), fact()], 'no_stream');
    const start = await store.headPosition();
    const failing = store.appendMany([
      { streamId: a, events: [fact()], expected: 'no_stream' },
      { streamId: b, events: [fact()], expected: 0 },
    ]);
    await expect(failing).rejects.toThrow(WrongExpectedRevisionError);
    await expect(failing).rejects.toMatchObject({ streamId: b, expected: 0, actual: 1 });
    expect(await store.headPosition()).toBe(start);
    expect((await store.readStreams([a])).size).toBe(0);
  });

  test('appendMany also detects a conflict that another store caused since its heads were remembered', async () => {
    const other = new PostgresEventStore(pool);
    const [a, b] = [streamId(), streamId()];
    await store.appendMany([
      { streamId: a, events: [fact()], expected: 'no_stream' },
      { streamId: b, events: [fact()], expected: 'no_stream' },
    ]);
    try {
      await other.append(b, [fact()], 0);
    } finally {
      await other.close();
    }
    const failing = store.appendMany([
      { streamId: a, events: [fact()], expected: 0 },
      { streamId: b, events: [fact()], expected: 0 },
    ]);
    await expect(failing).rejects.toMatchObject({ streamId: b, expected: 0, actual: 1 });
    expect((await store.readStreams([a])).get(a)).toHaveLength(1);
  });

  test('appends made at once go in one transaction (group commit), each answered with its own position', async () => {
    const streams = Array.from({ length: 30 }, () => streamId());
    const results = await Promise.all(streams.map((stream) => store.append(stream, [fact()], 'no_stream')));
    const { rows } = await pool.query<{ stream_id: string; position: string; transaction: string }>(
      'SELECT stream_id, position, xmin::text AS transaction FROM events WHERE stream_id = ANY($1)',
      [streams],
    );
    expect(new Set(rows.map((row) => row.transaction)).size).toBe(1);
    const stored = new Map(rows.map((row) => [row.stream_id, Number(row.position)]));
    expect(results.map((result) => result.position)).toEqual(streams.map((stream) => stored.get(stream)));
  });

  test('appendMany made at the same time as other appends stays all or nothing, and its conflict fails no one else', async () => {
    const [a, b, c, d] = [streamId(), streamId(), streamId(), streamId()];
    await store.append(b, [fact(), fact()], 'no_stream');
    const start = await store.headPosition();
    const [bulk, single, other] = await Promise.allSettled([
      store.appendMany([
        { streamId: a, events: [fact()], expected: 'no_stream' },
        { streamId: b, events: [fact()], expected: 0 },
      ]),
      store.append(c, [fact()], 'no_stream'),
      store.appendMany([
        { streamId: d, events: [fact(), fact()], expected: 'no_stream' },
        { streamId: b, events: [fact()], expected: 1 },
      ]),
    ]);
    expect(bulk).toMatchObject({ status: 'rejected', reason: { streamId: b, expected: 0, actual: 1 } });
    expect(single).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 0 } });
    expect(other).toMatchObject({ status: 'fulfilled', value: [{ nextExpectedRevision: 1 }, { nextExpectedRevision: 2 }] });
    expect((await store.readStreams([a])).size).toBe(0);
    expect(await store.headPosition()).toBe(start + 4);
    const streams = await store.readStreams([b, c, d]);
    expect(streams.get(b)?.map((event) => event.streamRevision)).toEqual([0, 1, 2]);
    const positions = [c, d, b]
      .flatMap((stream) => streams.get(stream) ?? [])
      .map((event) => event.position)
      .filter((p) => p > start);
    expect(positions.sort((x, y) => x - y)).toEqual([start + 1, start + 2, start + 3, start + 4]);
  });

  test('reads return the stored canonical bytes, so an altered row no longer matches its hash', async () => {
    const stream = streamId();
    await store.append(stream, [fact('ConsentGranted', { scope: 'assistance' })], 'no_stream');
    await pool.query(
      `UPDATE events SET canonical = convert_to(replace(convert_from(canonical, 'UTF8'), 'assistance', 'research'), 'UTF8')
       WHERE stream_id = $1`,
      [stream],
    );
    const [event] = (await store.readStreams([stream])).get(stream) ?? [];
    expect(event?.data).toEqual({ scope: 'research' });
    const { rows } = await pool.query<{ canonical: Buffer }>('SELECT canonical FROM events WHERE stream_id = $1', [stream]);
    expect(sha256Hex(rows[0]?.canonical as Buffer)).not.toBe(event?.eventHash);
  });

  test('a subscription hands its listening connection back to the pool without its handlers', async () => {
    const onePool = new Pool({ connectionString: database.url, max: 2 });
    const subscriber = new PostgresEventStore(onePool);
    try {
      for (let round = 0; round < 12; round++) {
        const subscription = subscriber.subscribeToAll({ after: await subscriber.headPosition() });
        const waiting = subscription[Symbol.asyncIterator]().next();
        await subscription.close();
        await waiting;
      }
      const clients = await Promise.all([onePool.connect(), onePool.connect()]);
      for (const client of clients) {
        expect(client.listenerCount('notification')).toBe(0);
        client.release();
      }
    } finally {
      await subscriber.close();
      await onePool.end();
    }
  });
});

describe('PostgresEventStore snapshot of the log (openStreamsSnapshot)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrate(database.url);
    // A store given a URL makes its own pool, and ends it on close.
    store = new PostgresEventStore(database.url, { poolSize: 3 });
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  test('hands over the log as of one moment, stream by stream in revision order, unmoved by later appends', async () => {
    const [a, b] = [streamId(), streamId()];
    await store.append(a, [fact('Noted', { text: 'ü' }), fact()], 'no_stream');
    await store.append(b, [fact()], 'no_stream');
    await store.append(a, [fact()], 1);
    const snapshot = await store.openStreamsSnapshot();
    try {
      await store.append(b, [fact()], 0);
      const streams = [];
      for await (const batch of snapshot.streams) streams.push(...batch);
      expect(snapshot.head).toBe(4);
      const stored = await store.readStreams([a, b]);
      const expected = [a, b].sort().map((stream) => stored.get(stream)!.filter((event) => event.position <= 4));
      expect(streams.map((events) => events.map((event) => [event.streamId, event.streamRevision, event.position]))).toEqual(
        expected.map((events) => events.map((event) => [event.streamId, event.streamRevision, event.position])),
      );
      expect(streams.flat().map((event) => event.data)).toEqual(expected.flat().map((event) => event.data));
    } finally {
      await snapshot.close();
    }
  });

  test('a snapshot left half-read and closed gives its connection up (three in the pool, four snapshots), and the store goes on', async () => {
    await Promise.all(Array.from({ length: 30 }, () => store.append(streamId(), [fact(), fact()], 'no_stream')));
    for (let round = 0; round < 4; round++) {
      const snapshot = await store.openStreamsSnapshot();
      for await (const streams of snapshot.streams) if (streams.length > 0) break;
      await snapshot.close();
    }
    expect(await store.headPosition()).toBeGreaterThan(60);
  });
});
