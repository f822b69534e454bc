import { randomUUID } from 'node:crypto';
import { allRows, fact, openReadModelDatabase, type ReadModelDatabase } from '../../test/projections/read-model-database';
import { readCheckpoints } from './checkpoints';
import { ProjectionRunner } from './projection-runner';
import { cohortFactsTable } from './read-model-tables';
import { READ_MODEL_NAMES } from './read-models';

let db: ReadModelDatabase;
beforeAll(async () => (db = await openReadModelDatabase()));
afterAll(() => db.close());

const journey = (personId: string) => `journey-${personId}`;

async function statusOf(personId: string) {
  const rows = await db.dataSource.query('SELECT * FROM current_status WHERE person_id = $1', [personId]);
  return rows[0];
}

async function timelineOf(personId: string) {
  return db.dataSource.query('SELECT domain, indicator, value, occurred_at FROM outcome_timeline WHERE person_id = $1 ORDER BY position, seq', [personId]);
}

test('the runner projects both read models from the log, honouring corrections, and checkpoints the position', async () => {
  const anna = randomUUID();
  const registered = fact('PersonRegistered', { gender: 'female', citizenship: 'MD' }, '2021-03-02');
  const wrongOutcome = fact('OutcomeAssessed', { domain: 'accommodation', indicator: 'safe_housing', value: 'no' }, '2021-05-01');
  const mistaken = fact('ReTraffickingReported', {}, '2021-06');
  await db.store.append(journey(anna), [registered, fact('CaseOpened', { programme: 'recovery' }, '2021-03-03'), wrongOutcome, mistaken], 'no_stream');
  await db.store.append(
    journey(anna),
    [
      fact(
        'EventCorrected',
        { targetEventId: wrongOutcome.eventId, reason: 'misread', correctedData: { domain: 'accommodation', indicator: 'safe_housing', value: 'yes' } },
        '2021-07-01',
      ),
      fact('EnteredInError', { targetEventId: mistaken.eventId, reason: 'other person' }, '2021-07-01'),
      fact('EmploymentStatusRecorded', { status: 'private_business' }, '2021-08'),
    ],
    3,
  );
  const other = randomUUID();
  const { position } = await db.store.append(
    journey(other),
    [fact('PersonRegistered', { gender: 'male', citizenship: 'AL' }, '2020-01-01', 'org-b')],
    'no_stream',
  );

  const runner = new ProjectionRunner(db.store, db.dataSource, undefined, { batchSize: 3 });
  expect(await runner.catchUp()).toBe(position);

  expect(await statusOf(anna)).toMatchObject({
    organisation_id: 'org-a',
    phase: 'in_recovery',
    case_open: true,
    re_trafficked: false,
    latest_outcomes: { accommodation: { indicator: 'safe_housing', value: 'yes', occurredAt: '2021-05-01' } },
    // recorded as version 1, upcast on read to version 2
    employment_status: 'private_business',
    employed: true,
    revision: '6',
  });
  expect(await timelineOf(anna)).toEqual([
    { domain: 'case', indicator: 'opened', value: 'recovery', occurred_at: '2021-03-03' },
    { domain: 'accommodation', indicator: 'safe_housing', value: 'yes', occurred_at: '2021-05-01' },
    { domain: 'employment', indicator: 'status', value: 'private_business', occurred_at: '2021-08' },
    { domain: 'employment', indicator: 'employed', value: true, occurred_at: '2021-08' },
  ]);
  // nothing known is SQL NULL, not a JSON null
  const [{ none }] = await db.dataSource.query(
    'SELECT latest_rss IS NULL AND employment_status_at IS NOT NULL AS none FROM current_status WHERE person_id = $1',
    [anna],
  );
  expect(none).toBe(true);
  expect(await statusOf(other)).toMatchObject({ organisation_id: 'org-b', phase: 'identified', position: String(position) });
  const checkpoints = await readCheckpoints(db.dataSource.manager, READ_MODEL_NAMES);
  expect(checkpoints.map((checkpoint) => checkpoint.position)).toEqual(READ_MODEL_NAMES.map(() => position));
  // the originals are still in the log
  const logged = [];
  for await (const event of db.store.readStream(journey(anna))) logged.push(event);
  expect(logged.map((event) => event.eventId)).toContain(mistaken.eventId);
  // cohort_facts keeps every event as recorded, the corrections beside them; recordedAt exactly as the store gave it
  const facts = await cohortFactsTable.load(db.dataSource.manager, 'cohort_facts', [anna]);
  expect(facts.sort((a, b) => a.position - b.position)).toEqual(
    logged.map((event) => expect.objectContaining({ eventId: event.eventId, type: event.type, recordedAt: event.recordedAt, position: event.position })),
  );
  expect(facts.map(({ data }) => data)).toEqual([
    { gender: 'female', citizenship: 'MD' },
    { programme: 'recovery' },
    { domain: 'accommodation', indicator: 'safe_housing', value: 'no' },
    {},
    { targetEventId: wrongOutcome.eventId, correctedData: { domain: 'accommodation', indicator: 'safe_housing', value: 'yes' } },
    { targetEventId: mistaken.eventId },
    { status: 'private_business', employed: true },
  ]);
});

test('applying again, or by two runners at once, changes nothing: each event counts once', async () => {
  const person = randomUUID();
  await db.store.append(
    journey(person),
    [
      fact('PersonRegistered', { gender: 'female', citizenship: 'NG' }, '2022-01-01'),
      ...Array.from({ length: 30 }, (_, index) =>
        fact('ServiceDelivered', { domain: 'mental_health', serviceType: 'counselling' }, `2022-02-${String((index % 28) + 1).padStart(2, '0')}`),
      ),
    ],
    'no_stream',
  );
  const first = new ProjectionRunner(db.store, db.dataSource, undefined, { batchSize: 7 });
  const second = new ProjectionRunner(db.store, db.dataSource, undefined, { batchSize: 5 });
  await Promise.all([first.catchUp(), second.catchUp()]);
  const before = [await allRows(db.dataSource, 'current_status', 'person_id'), await allRows(db.dataSource, 'outcome_timeline', 'person_id, event_id, seq')];
  expect((await statusOf(person)).services_by_domain).toEqual({ mental_health: 30 });
  await first.catchUp();
  expect([await allRows(db.dataSource, 'current_status', 'person_id'), await allRows(db.dataSource, 'outcome_timeline', 'person_id, event_id, seq')]).toEqual(
    before,
  );
});

test('live: a started runner follows new appends', async () => {
  const runner = new ProjectionRunner(db.store, db.dataSource, undefined, { lingerMs: 5 });
  runner.start();
  try {
    const person = randomUUID();
    const { position } = await db.store.append(
      journey(person),
      [fact('PersonRegistered', { gender: 'other', citizenship: 'UA' }, '2023-04-01'), fact('ContactLost', {}, '2023-05-01')],
      'no_stream',
    );
    while ((await readCheckpoints(db.dataSource.manager, ['current_status']))[0]!.position < position) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await statusOf(person)).toMatchObject({ contact_lost: true, position: String(position) });
  } finally {
    await runner.stop();
  }
});
