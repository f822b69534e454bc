import { randomUUID } from 'node:crypto';
import type { PostgresEventStore } from '../event-store/postgres-event-store';
import { appendJourneys } from '../../test/bench/journeys-in-store';
import { allRows, fact, openReadModelDatabase, type ReadModelDatabase } from '../../test/projections/read-model-database';
import { readCheckpoints } from './checkpoints';
import { ProjectionRunner } from './projection-runner';
import { projectionStatus } from './projection-status';
import { rebuild } from './rebuild';

let db: ReadModelDatabase;
beforeAll(async () => (db = await openReadModelDatabase()));
afterAll(() => db.close());

const indexesOf = (table: string) =>
  db.dataSource.query(`SELECT indexname, regexp_replace(indexdef, ' ON \\S+', '') AS def FROM pg_indexes WHERE tablename = $1 ORDER BY indexname`, [table]);

test('a rebuild equals what the runner built, keeps the tables\u2019 index names, and sets the checkpoints', async () => {
  await appendJourneys(db.store as PostgresEventStore, { persons: 300, eventsPerPerson: 20, seed: 3 });
  const head = await db.store.headPosition();
  await new ProjectionRunner(db.store, db.dataSource).catchUp();
  const built = [await allRows(db.dataSource, 'current_status', 'person_id'), await allRows(db.dataSource, 'outcome_timeline', 'person_id, event_id, seq')];
  const indexes = [await indexesOf('current_status'), await indexesOf('outcome_timeline')];

  const progress: number[] = [];
  // Small batches and little memory: rows are written, evicted and read back during the rebuild.
  const summary = await rebuild(db.store, db.dataSource, { batchSize: 500, rowsInMemory: 50, onProgress: (position) => progress.push(position) });
  expect(summary).toMatchObject({ projections: ['current_status', 'outcome_timeline'], events: head, position: head, rows: { current_status: 300 } });
  expect(progress[progress.length - 1]).toBe(head);
  expect([await allRows(db.dataSource, 'current_status', 'person_id'), await allRows(db.dataSource, 'outcome_timeline', 'person_id, event_id, seq')]).toEqual(built);
  expect([await indexesOf('current_status'), await indexesOf('outcome_timeline')]).toEqual(indexes);
  expect((await projectionStatus(db.store, db.dataSource)).map(({ name, position, lag }) => ({ name, position, lag }))).toEqual([
    { name: 'current_status', position: head, lag: 0 },
    { name: 'outcome_timeline', position: head, lag: 0 },
  ]);
});

test('queries keep answering during a rebuild, and a live runner carries on from the rebuilt position', async () => {
  const runner = new ProjectionRunner(db.store, db.dataSource, undefined, { lingerMs: 5 });
  runner.start();
  try {
    const reads: Promise<unknown>[] = [];
    const rebuilding = rebuild(db.store, db.dataSource, {
      name: 'current_status',
      batchSize: 500,
      onProgress: () => reads.push(db.dataSource.query('SELECT count(*) FROM current_status')),
    });
    // Writes meanwhile: the live runner projects them, and the rebuild must not lose them either.
    const person = randomUUID();
    await db.store.append(`journey-${person}`, [fact('PersonRegistered', { gender: 'female', citizenship: 'RO' }, '2024-01-01')], 'no_stream');
    const { position } = await db.store.append(`journey-${person}`, [fact('ReTraffickingReported', {}, '2024-02')], 0);
    await rebuilding;
    expect((await Promise.all(reads)).length).toBeGreaterThan(0);
    while ((await readCheckpoints(db.dataSource.manager, ['current_status']))[0]!.position < position) await new Promise((resolve) => setTimeout(resolve, 10));
    const [row] = await db.dataSource.query('SELECT re_trafficked, position FROM current_status WHERE person_id = $1', [person]);
    expect(row).toEqual({ re_trafficked: true, position: String(position) });
  } finally {
    await runner.stop();
  }
});

test('an unknown projection name is refused, naming the known ones', async () => {
  await expect(rebuild(db.store, db.dataSource, { name: 'nope' })).rejects.toThrow('known: current_status, outcome_timeline');
});
