import { randomUUID } from 'node:crypto';
import type { EventStore } from '../event-store/event-store';
import type { PostgresEventStore } from '../event-store/postgres-event-store';
import { appendJourneys } from '../../test/bench/journeys-in-store';
import { allRows, fact, openReadModelDatabase, type ReadModelDatabase } from '../../test/projections/read-model-database';
import { readCheckpoints } from './checkpoints';
import { ProjectionRunner } from './projection-runner';
import { projectionStatus } from './projection-status';
import { rebuild } from './rebuild';

let db: ReadModelDatabase;
/** Text that COPY must escape, and characters of several UTF-8 lengths. */
const AWKWARD = 'tab\there, line\nbreak, back\\slash, carriage\rreturn, \\N, é, 𝄞';

beforeAll(async () => {
  db = await openReadModelDatabase();
  await appendJourneys(db.store as PostgresEventStore, { persons: 299, eventsPerPerson: 20, seed: 3 });
  await db.store.append(
    `journey-${randomUUID()}`,
    [
      fact('PersonRegistered', { gender: 'female', citizenship: 'MD' }, '2023-01-01', AWKWARD),
      fact('ServiceDelivered', { domain: 'legal', serviceType: AWKWARD }, '2023-02'),
      fact('OutcomeAssessed', { domain: 'accommodation', indicator: 'safe_housing', value: AWKWARD }, '2023-03-01'),
      fact('CaseClosed', { reason: AWKWARD }, '2023-04-01'),
    ],
    'no_stream',
  );
});
afterAll(() => db.close());

const indexesOf = (table: string) =>
  db.dataSource.query(`SELECT indexname, regexp_replace(indexdef, ' ON \\S+', '') AS def FROM pg_indexes WHERE tablename = $1 ORDER BY indexname`, [table]);

const readModels = async () => [
  await allRows(db.dataSource, 'current_status', 'person_id'),
  await allRows(db.dataSource, 'outcome_timeline', 'person_id, event_id, seq'),
  await allRows(db.dataSource, 'cohort_facts', 'event_id'),
];
const TABLES = ['current_status', 'outcome_timeline', 'cohort_facts'];

/** What a runner builds from the whole log into emptied read models, left in place. */
async function builtByTheRunner(): Promise<unknown[]> {
  await db.dataSource.query(`TRUNCATE ${TABLES.join(', ')}`);
  await db.dataSource.query('UPDATE projection_checkpoints SET position = 0');
  await new ProjectionRunner(db.store, db.dataSource).catchUp();
  return readModels();
}

test.each([
  ['from the store\u2019s snapshot', true],
  ['through the runner\u2019s path', false],
])('a rebuild %s equals what the runner built, keeps the tables\u2019 index names, and sets the checkpoints', async (_path, bulkLoad) => {
  const head = await db.store.headPosition();
  // Every event gives a cohort fact, but consents (and personal data, sharing), which these journeys have.
  const [{ facts }] = await db.dataSource.query(`SELECT count(*)::int AS facts FROM events WHERE type <> 'ConsentGranted'`);
  const built = await builtByTheRunner();
  const indexes = await Promise.all(TABLES.map(indexesOf));

  const progress: number[] = [];
  const summary = await rebuild(db.store, db.dataSource, { bulkLoad, batchSize: 500, onProgress: (events) => progress.push(events) });
  expect(summary).toMatchObject({
    projections: ['current_status', 'outcome_timeline', 'cohort_facts'],
    events: head,
    position: head,
    rows: { current_status: 300, cohort_facts: facts },
  });
  expect(progress[progress.length - 1]).toBe(head);
  expect(await readModels()).toEqual(built);
  expect(await Promise.all(TABLES.map(indexesOf))).toEqual(indexes);
  expect((await projectionStatus(db.store, db.dataSource)).map(({ name, position, lag }) => ({ name, position, lag }))).toEqual([
    { name: 'cohort_facts', position: head, lag: 0 },
    { name: 'current_status', position: head, lag: 0 },
    { name: 'outcome_timeline', position: head, lag: 0 },
  ]);
});

test('events appended while the log table is loaded, corrections among them, are projected after it', async () => {
  const [someone] = await db.dataSource.query(`SELECT stream_id, event_id FROM events WHERE type = 'OutcomeAssessed' LIMIT 1`);
  const newcomer = randomUUID();
  let appending: Promise<unknown> | undefined;
  const appendMeanwhile = async () => {
    await db.store.append(someone.stream_id, [fact('EnteredInError', { targetEventId: someone.event_id, reason: 'wrong person' }, '2024-03-01')], 'any');
    await db.store.append(someone.stream_id, [fact('ContactLost', {}, '2024-04')], 'any');
    await db.store.append(`journey-${newcomer}`, [fact('PersonRegistered', { gender: 'male', citizenship: 'AL' }, '2024-01-01')], 'no_stream');
  };
  // The loading starts on a snapshot of the log (the first progress report), and only then are these appended;
  // the rebuild asks for the head once it is loaded, by then they are all in.
  const store = Object.assign(Object.create(db.store) as EventStore, {
    headPosition: async () => {
      await appending;
      return db.store.headPosition();
    },
  });
  const before = await db.store.headPosition();
  const summary = await rebuild(store, db.dataSource, { onProgress: () => void (appending ??= appendMeanwhile()) });
  expect(summary.position).toBe(before + 3);
  const rebuilt = await readModels();
  expect(rebuilt).toEqual(await builtByTheRunner());
  expect(rebuilt[0]).toContainEqual(expect.objectContaining({ person_id: newcomer }));
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
  await expect(rebuild(db.store, db.dataSource, { name: 'nope' })).rejects.toThrow('known: current_status, outcome_timeline, cohort_facts');
});
