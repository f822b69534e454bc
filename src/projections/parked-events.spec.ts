import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { cohortFacts } from '../../projections/cohort-facts';
import { currentStatus } from '../../projections/current-status';
import type { Projection } from '../../projections/projection';
import { fact, openReadModelDatabase, type ReadModelDatabase } from '../../test/projections/read-model-database';
import { readCheckpoints } from './checkpoints';
import { parkedEvents, parkedStreams } from './parked-events';
import { ProjectionRunner } from './projection-runner';
import { projectionStatus } from './projection-status';
import { cohortFactsTable, currentStatusTable, type ReadModelTable } from './read-model-tables';
import { READ_MODELS, READ_MODEL_NAMES, type ReadModel } from './read-models';
import { rebuild } from './rebuild';
import { retryParked } from './retry-parked';

/**
 * Events already in the log that a read model cannot apply, appended through the store port as an old log would
 * hold them (validation refuses them today): a sharing consent whose organisationId holds U+0000, which PostgreSQL
 * refuses in jsonb, and an RSS administration without scores, on which the timeline projection throws.
 */
let db: ReadModelDatabase;
beforeAll(async () => (db = await openReadModelDatabase()));
afterAll(() => db.close());

const journey = (personId: string) => `journey-${personId}`;
const statusOf = async (personId: string) => (await db.dataSource.query('SELECT * FROM current_status WHERE person_id = $1', [personId]))[0];
const timelineOf = (personId: string) =>
  db.dataSource.query('SELECT domain, indicator, value FROM outcome_timeline WHERE person_id = $1 ORDER BY position, seq', [personId]);
const parked = async (positions: number[]) =>
  (await parkedEvents(db.dataSource.manager, READ_MODEL_NAMES))
    .filter((event) => positions.includes(event.position))
    .map(({ projection, position, errorClass }) => ({ projection, position, errorClass }));

const poisonedConsent = () => fact('ConsentGranted', { scope: 'sharing', organisationId: 'org-b\u0000' }, '2024-01-03');
const rssWithoutScores = () => fact('RSSAdministered', { round: 1, items: { q1: 3 }, scoringVersion: 'rss-v1' }, '2024-01-04');

/** Appends the events one at a time, so that each has its own position; answers the positions. */
async function appendEach(personId: string, events: ReturnType<typeof fact>[]): Promise<number[]> {
  const positions: number[] = [];
  for (const [revision, event] of events.entries()) {
    positions.push((await db.store.append(journey(personId), [event], revision === 0 ? 'no_stream' : revision - 1)).position);
  }
  return positions;
}

describe('poisoned events in the log', () => {
  const anna = randomUUID();
  const ben = randomUUID();
  const cara = randomUUID();
  let consentAt: number;
  let rssAt: number;
  let consent: ReturnType<typeof fact>;
  let rss: ReturnType<typeof fact>;

  beforeAll(async () => {
    consent = poisonedConsent();
    rss = rssWithoutScores();
    [, , consentAt] = await appendEach(anna, [
      fact('PersonRegistered', { gender: 'female', citizenship: 'MD' }, '2024-01-01'),
      fact('CaseOpened', { programme: 'recovery' }, '2024-01-02'),
      consent,
      fact('ContactLost', {}, '2024-01-05'),
    ]);
    [, rssAt] = await appendEach(ben, [
      fact('PersonRegistered', { gender: 'male', citizenship: 'AL' }, '2024-01-01'),
      rss,
      fact('ServiceDelivered', { domain: 'legal', serviceType: 'legal_aid' }, '2024-01-06'),
    ]);
    await appendEach(cara, [fact('PersonRegistered', { gender: 'female', citizenship: 'UA' }, '2024-01-07')]);
  });

  test('the runner parks each for the read model that cannot apply it and projects every later event', async () => {
    const head = await db.store.headPosition();
    const told: unknown[] = [];
    const runner = new ProjectionRunner(db.store, db.dataSource, undefined, { batchSize: 100, onParked: (event) => told.push(event) });
    expect(await runner.catchUp()).toBe(head);

    expect(await statusOf(anna)).toMatchObject({ case_open: true, contact_lost: true, active_consents: [] });
    expect(await statusOf(ben)).toMatchObject({ services_by_domain: { legal: 1 }, latest_rss: { round: 1 } });
    expect(await timelineOf(ben)).toEqual([{ domain: 'legal', indicator: 'legal_aid', value: true }]);
    expect(await statusOf(cara)).toMatchObject({ phase: 'identified', position: String(head) });
    expect((await readCheckpoints(db.dataSource.manager, READ_MODEL_NAMES)).map((checkpoint) => checkpoint.position)).toEqual(READ_MODEL_NAMES.map(() => head));

    const expected = [
      { projection: 'current_status', position: consentAt, errorClass: 'pg 22P05' },
      { projection: 'outcome_timeline', position: rssAt, errorClass: 'TypeError' },
    ];
    expect(await parked([consentAt, rssAt])).toEqual(expected);
    expect(told).toEqual(expected);
    expect((await projectionStatus(db.store, db.dataSource)).map(({ name, parked }) => [name, parked])).toEqual([
      ['cohort_facts', 0],
      ['current_status', 1],
      ['outcome_timeline', 1],
    ]);
    // position, stream (a pseudonymous id), projection and the error's class: nothing of the event's data, nor the
    // error's message
    const columns = await db.dataSource.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'parked_events' ORDER BY 1`);
    expect(columns.map((column: { column_name: string }) => column.column_name)).toEqual(['error_class', 'parked_at', 'position', 'projection', 'stream_id']);
  });

  test('a rebuild, on either path, does not stall on them either: it parks them as the runner does', async () => {
    for (const bulkLoad of [true, false]) {
      const summary = await rebuild(db.store, db.dataSource, { bulkLoad, batchSize: 3 });
      expect(summary).toMatchObject({ position: await db.store.headPosition(), parked: 2 });
      expect(await statusOf(anna)).toMatchObject({ case_open: true, contact_lost: true, active_consents: [] });
      expect(await timelineOf(ben)).toEqual([{ domain: 'legal', indicator: 'legal_aid', value: true }]);
      expect(await parked([consentAt, rssAt])).toEqual([
        { projection: 'current_status', position: consentAt, errorClass: 'pg 22P05' },
        { projection: 'outcome_timeline', position: rssAt, errorClass: 'TypeError' },
      ]);
    }
    // The timeline alone: no row PostgreSQL refuses, so the fast path goes through, folding ben's stream event by event.
    expect(await rebuild(db.store, db.dataSource, { name: 'outcome_timeline' })).toMatchObject({ parked: 1 });
    expect(await timelineOf(ben)).toEqual([{ domain: 'legal', indicator: 'legal_aid', value: true }]);
    expect(await parked([consentAt, rssAt])).toHaveLength(2);
  });

  test('projections retry: still parked while nothing changed; once the events are corrected, applied in their place', async () => {
    expect(await retryParked(db.store, db.dataSource)).toMatchObject({
      applied: 0,
      stillParked: expect.arrayContaining([expect.objectContaining({ position: consentAt })]),
    });

    const scores = { economic: 0.5, social: 0.6, psychosocial: 0.7, composite: 0.6 };
    await db.store.append(
      journey(anna),
      [fact('EventCorrected', { targetEventId: consent.eventId, reason: 'typo', correctedData: { scope: 'sharing', organisationId: 'org-b' } }, '2024-02-01')],
      3,
    );
    await db.store.append(
      journey(ben),
      [fact('EventCorrected', { targetEventId: rss.eventId, reason: 'scores left out', correctedData: { ...rss.data, scores } }, '2024-02-01')],
      2,
    );
    await new ProjectionRunner(db.store, db.dataSource).catchUp();

    // Each park keeps its event's stream, where the retry reads it; a park made before streams were kept (anna's,
    // made so here) is found in the log by its position.
    const streamsOf = async (projection: string) => Object.fromEntries(await parkedStreams(db.dataSource.manager, projection));
    expect(await streamsOf('current_status')).toEqual({ [consentAt]: journey(anna) });
    expect(await streamsOf('outcome_timeline')).toEqual({ [rssAt]: journey(ben) });
    await db.dataSource.query('UPDATE parked_events SET stream_id = NULL WHERE position = $1', [consentAt]);

    const { applied, stillParked } = await retryParked(db.store, db.dataSource);
    expect(applied).toBe(2);
    expect(stillParked).toEqual([]);
    expect(await statusOf(anna)).toMatchObject({ case_open: true, contact_lost: true, active_consents: [{ scope: 'sharing', organisationId: 'org-b' }] });
    expect(await timelineOf(ben)).toEqual([
      { domain: 'rss', indicator: 'economic', value: 0.5 },
      { domain: 'rss', indicator: 'social', value: 0.6 },
      { domain: 'rss', indicator: 'psychosocial', value: 0.7 },
      { domain: 'rss', indicator: 'composite', value: 0.6 },
      { domain: 'legal', indicator: 'legal_aid', value: true },
    ]);
  });
});

test('a read model that fails on some events, then is repaired: retry applies them in their place among later ones', async () => {
  // The fold of an event goes wrong wherever it is folded: applied alone, or in a person's history.
  const broken = new Set<string>();
  const breaksOn = (event: { eventId: string }) => {
    if (broken.has(event.eventId)) throw new RangeError('a bug in the projection');
  };
  const flaky: Projection<unknown> = {
    ...(currentStatus as Projection<unknown>),
    apply(event, row) {
      breaksOn(event);
      return currentStatus.apply(event, row as never);
    },
    recompute(personId, history, through) {
      history.forEach(breaksOn);
      return currentStatus.recompute(personId, history, through);
    },
  };
  const models: ReadModel[] = [{ projection: flaky, table: currentStatusTable as ReadModelTable<unknown> }, READ_MODELS[1]!];
  const dana = randomUUID();
  const granted = fact('ConsentGranted', { scope: 'assistance' }, '2024-03-02');
  const opened = fact('CaseOpened', { programme: 'recovery' }, '2024-03-03');
  broken.add(granted.eventId).add(opened.eventId);
  const [, grantedAt, openedAt, , lostAt] = await appendEach(dana, [
    fact('PersonRegistered', { gender: 'female', citizenship: 'RO' }, '2024-03-01'),
    granted,
    opened,
    fact('ConsentWithdrawn', { scope: 'assistance' }, '2024-03-04'),
    fact('ContactLost', {}, '2024-03-05'),
  ]);

  expect(await new ProjectionRunner(db.store, db.dataSource, models, { batchSize: 50 }).catchUp()).toBe(lostAt);
  expect(await statusOf(dana)).toMatchObject({ case_open: false, contact_lost: true, active_consents: [], position: String(lostAt) });
  expect(await parked([grantedAt!, openedAt!])).toEqual([
    { projection: 'current_status', position: grantedAt, errorClass: 'RangeError' },
    { projection: 'current_status', position: openedAt, errorClass: 'RangeError' },
  ]);
  expect((await retryParked(db.store, db.dataSource, models)).applied).toBe(0);

  broken.clear();
  expect(await retryParked(db.store, db.dataSource, models)).toEqual({ applied: 2, stillParked: [] });
  // Applied in their place: the case is open, and the consent, withdrawn after it was granted, is not active.
  expect(await statusOf(dana)).toMatchObject({ case_open: true, phase: 'in_recovery', contact_lost: true, active_consents: [], position: String(lostAt) });
});

test('a read model that keeps every event as recorded (cohort_facts): retry adds the parked events\u2019 own rows', async () => {
  const broken = new Set<string>();
  const breaksOn = (event: { eventId: string }) => {
    if (broken.has(event.eventId)) throw new RangeError('a bug in the projection');
  };
  const flaky: Projection<unknown> = {
    ...(cohortFacts as Projection<unknown>),
    apply(event, row) {
      breaksOn(event);
      return cohortFacts.apply(event, row as never);
    },
    recompute(personId, history, through) {
      breaksOn(through);
      return cohortFacts.recompute(personId, history, through);
    },
  };
  const models: ReadModel[] = [{ projection: flaky, table: cohortFactsTable as ReadModelTable<unknown> }];
  const fay = randomUUID();
  const student = fact('EmploymentStatusRecorded', { status: 'student' }, '2024-05-01');
  const corrected = fact('EventCorrected', { targetEventId: student.eventId, reason: 'misheard', correctedData: { status: 'self_employed' } }, '2024-06-01');
  broken.add(student.eventId).add(corrected.eventId);
  const [, studentAt, , correctedAt, lastAt] = await appendEach(fay, [
    fact('PersonRegistered', { gender: 'female', citizenship: 'MD' }, '2024-04-01'),
    student,
    fact('ContactLost', {}, '2024-05-02'),
    corrected,
    fact('ContactReestablished', {}, '2024-06-02'),
  ]);
  const factsOf = async () =>
    (await db.dataSource.query('SELECT type, data FROM cohort_facts WHERE person_id = $1 ORDER BY position', [fay])) as { type: string }[];

  expect(await new ProjectionRunner(db.store, db.dataSource, models).catchUp()).toBe(lastAt);
  expect((await factsOf()).map(({ type }) => type)).toEqual(['PersonRegistered', 'ContactLost', 'ContactReestablished']);
  expect(await parked([studentAt!, correctedAt!])).toEqual([
    { projection: 'cohort_facts', position: studentAt, errorClass: 'RangeError' },
    { projection: 'cohort_facts', position: correctedAt, errorClass: 'RangeError' },
  ]);
  expect((await retryParked(db.store, db.dataSource, models)).applied).toBe(0);

  broken.clear();
  expect(await retryParked(db.store, db.dataSource, models)).toEqual({ applied: 2, stillParked: [] });
  // The status as first recorded, and its correction beside it: a report as known before the correction reads the first.
  expect(await factsOf()).toEqual([
    { type: 'PersonRegistered', data: { gender: 'female', citizenship: 'MD' } },
    { type: 'EmploymentStatusRecorded', data: { status: 'student', employed: false } },
    { type: 'ContactLost', data: {} },
    { type: 'EventCorrected', data: { targetEventId: student.eventId, correctedData: { status: 'self_employed', employed: true } } },
    { type: 'ContactReestablished', data: {} },
  ]);
});

test('a failure that is not about the event (the connection lost) is retried from the checkpoint, never parked', async () => {
  let kills = 0;
  const dropsItsConnectionOnce: ReadModelTable<unknown> = {
    ...(currentStatusTable as ReadModelTable<unknown>),
    async upsert(manager: EntityManager, table: string, rows: readonly unknown[]) {
      if (kills++ === 0) await manager.query('SELECT pg_terminate_backend(pg_backend_pid())');
      return currentStatusTable.upsert(manager, table, rows as never);
    },
  };
  const models: ReadModel[] = [{ projection: READ_MODELS[0]!.projection, table: dropsItsConnectionOnce }, READ_MODELS[1]!];
  const errors: unknown[] = [];
  const runner = new ProjectionRunner(db.store, db.dataSource, models, { lingerMs: 5, retryDelayMs: 50, onError: (error) => errors.push(error) });
  const eve = randomUUID();
  const [at] = await appendEach(eve, [fact('PersonRegistered', { gender: 'female', citizenship: 'MD' }, '2024-04-01')]);
  runner.start();
  try {
    while ((await readCheckpoints(db.dataSource.manager, ['current_status']))[0]!.position < at!) await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    await runner.stop();
  }
  expect(errors.length).toBeGreaterThanOrEqual(1);
  expect(await statusOf(eve)).toMatchObject({ phase: 'identified', position: String(at) });
  expect(await parked([at!])).toEqual([]);
});
