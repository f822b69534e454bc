import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CohortFact } from '../../projections/cohort/fact';
import { fact, openReadModelDatabase, type ReadModelDatabase } from '../../test/projections/read-model-database';
import type { NewEvent, RecordedEvent } from '../event-store/event-store';
import { ProjectionRunner } from '../projections/projection-runner';
import { rebuild } from '../projections/rebuild';
import { CohortFactsQuery, type CohortFactsRequest } from './cohort-facts.query';

let db: ReadModelDatabase;
let query: CohortFactsQuery;
/** Every event appended, by person, as the store recorded it. */
const recorded = new Map<string, RecordedEvent[]>();

async function append(personId: string, events: NewEvent[]): Promise<RecordedEvent[]> {
  const before = recorded.get(personId) ?? [];
  await db.store.append(`journey-${personId}`, events, before.length === 0 ? 'no_stream' : before.length - 1);
  const stored: RecordedEvent[] = [];
  for await (const event of db.store.readStream(`journey-${personId}`)) stored.push(event);
  recorded.set(personId, stored);
  return stored.slice(before.length);
}

/** The rows the loader should give of these recorded events (those of kept types only). */
const rowsOf = (personId: string, events: readonly RecordedEvent[]) =>
  events.map((event) => ({
    personId,
    eventId: event.eventId,
    type: event.type,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    position: event.position,
    organisationId: event.metadata.organisationId,
    data: expect.any(Object),
  }));

const request = (changes: Partial<CohortFactsRequest> = {}): CohortFactsRequest => ({
  entryType: 'CaseOpened',
  from: '2024-01-01',
  to: '2024-12',
  lastPosition: Number.MAX_SAFE_INTEGER,
  asKnownAt: null,
  types: ['PersonRegistered', 'CaseOpened', 'EmploymentStatusRecorded'],
  ...changes,
});

const personsIn = (facts: readonly CohortFact[]) => [...new Set(facts.map((row) => row.personId))];

// Persons sorted, so the expected order is theirs.
const [anna, ben, cara, dan, eve] = Array.from({ length: 5 }, () => randomUUID()).sort();
let annaEvents: RecordedEvent[];
let annaLater: RecordedEvent[];
let caraOpened: RecordedEvent;
/** When anna's first events had all been recorded (everything else came after). */
let beforeLater: string;

beforeAll(async () => {
  db = await openReadModelDatabase();
  query = new CohortFactsQuery(db.dataSource);
  annaEvents = await append(anna, [
    fact('PersonRegistered', { gender: 'female', birthYear: 1990, citizenship: 'MD' }, '2023-11-02'),
    fact('ConsentGranted', { scope: 'assistance' }, '2023-11-02'),
    fact('CaseOpened', { programme: 'reintegration' }, '2024-03-04'),
    fact('ServiceDelivered', { domain: 'accommodation', serviceType: 'shelter' }, '2024-03-05'),
    fact('EmploymentStatusRecorded', { status: 'student' }, '2024-09'),
  ]);
  // Opened in the month of the window's end: counts as its first day.
  await append(ben, [fact('PersonRegistered', { gender: 'male', citizenship: 'UA' }, '2024-01-01'), fact('CaseOpened', { programme: 'recovery' }, '2024-12')]);
  // Opened after the window (the 15th is after the 1st of December)
  [, caraOpened] = await append(cara, [
    fact('PersonRegistered', { gender: 'female', citizenship: 'UA' }, '2024-01-01'),
    fact('CaseOpened', { programme: 'return' }, '2024-12-15'),
  ]);
  // Never opened a case, only registered in the window
  await append(dan, [fact('PersonRegistered', { gender: 'female', citizenship: 'RO' }, '2024-05-01')]);
  // Opened before the window
  await append(eve, [
    fact('PersonRegistered', { gender: 'other', citizenship: 'AL' }, '2023-01-01'),
    fact('CaseOpened', { programme: 'recovery' }, '2023-12-31'),
  ]);
  beforeLater = annaEvents[annaEvents.length - 1]!.recordedAt;
  await sleep(5);
  const status = annaEvents[4]!;
  annaLater = await append(anna, [
    fact('EventCorrected', { targetEventId: status.eventId, reason: 'misheard', correctedData: { status: 'self_employed' } }, '2025-01-10'),
    fact('EmploymentStatusRecorded', { status: 'private_business' }, '2025-03'),
    fact('EnteredInError', { targetEventId: annaEvents[3]!.eventId, reason: 'another person' }, '2025-03-02'),
  ]);
  await new ProjectionRunner(db.store, db.dataSource).catchUp();
});
afterAll(() => db.close());

test('the counted rows of the types asked, corrections included, of the persons who entered in the window, by person and position', async () => {
  const facts = await query.load(request());
  expect(personsIn(facts)).toEqual([anna, ben]);
  const [registered, , opened, , status] = annaEvents;
  expect(facts).toEqual([...rowsOf(anna, [registered!, opened!, status!, ...annaLater]), ...rowsOf(ben, recorded.get(ben)!)]);
  // recordedAt exactly as the store gave it: ISO 8601, UTC, milliseconds
  expect(facts[0]!.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(facts.slice(0, 6).map((row) => row.data)).toEqual([
    { gender: 'female', birthYear: 1990, citizenship: 'MD' },
    { programme: 'reintegration' },
    { status: 'student', employed: false },
    { targetEventId: status!.eventId, correctedData: { status: 'self_employed', employed: true } },
    { status: 'private_business', employed: true },
    { targetEventId: annaEvents[3]!.eventId },
  ]);
});

test('the window is of days, a month-precision date meaning its first day, at either end', async () => {
  expect(personsIn(await query.load(request({ to: '2024-11-30' })))).toEqual([anna]);
  expect(personsIn(await query.load(request({ to: '2024-12-14' })))).toEqual([anna, ben]);
  expect(personsIn(await query.load(request({ to: '2024-12-15' })))).toEqual([anna, ben, cara]);
  expect(personsIn(await query.load(request({ from: '2023-12', to: '2024-03' })))).toEqual([eve]);
  expect(personsIn(await query.load(request({ from: '2023-12', to: '2024-03-04' })))).toEqual([anna, eve]);
  expect(personsIn(await query.load(request({ entryType: 'PersonRegistered', from: '2024-01', to: '2024-12' })))).toEqual([ben, cara, dan]);
});

test('only rows of the tree count: none after its last position, and no person whose entry is after it', async () => {
  const lastPosition = caraOpened.position - 1;
  const facts = await query.load(request({ to: '2024-12-15', lastPosition }));
  expect(personsIn(facts)).toEqual([anna, ben]);
  expect(facts.every((row) => row.position <= lastPosition)).toBe(true);
  expect(facts.filter((row) => row.personId === anna).map((row) => row.type)).toEqual(['PersonRegistered', 'CaseOpened', 'EmploymentStatusRecorded']);
  expect(await query.load(request({ lastPosition: 0 }))).toEqual([]);
});

test('as known at a moment: no row recorded after it, and no person whose entry was recorded after it', async () => {
  const facts = await query.load(request({ asKnownAt: beforeLater }));
  expect(facts.filter((row) => row.personId === anna)).toEqual(rowsOf(anna, [annaEvents[0]!, annaEvents[2]!, annaEvents[4]!]));
  expect(facts.every((row) => row.recordedAt <= beforeLater)).toBe(true);
  const [firstOpened] = await db.dataSource.query(`SELECT min(recorded_at) AS at FROM cohort_facts WHERE type = 'CaseOpened'`);
  expect(await query.load(request({ asKnownAt: new Date(firstOpened.at.getTime() - 1).toISOString() }))).toEqual([]);
});

test('a rebuilt read model gives the same rows, recordedAt to the millisecond', async () => {
  const before = await query.load(request({ to: '2024-12-15' }));
  await rebuild(db.store, db.dataSource, { name: 'cohort_facts' });
  expect(await query.load(request({ to: '2024-12-15' }))).toEqual(before);
});
