import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import { startTestApp, type TestApp } from '../../test/support/app';
import { generateJourneyLines, journeyOf } from '../../test/support/generate';

describe('bulk import (POST /imports)', () => {
  let t: TestApp;
  let manager: string;
  let store: PostgresEventStore;

  beforeAll(async () => {
    t = await startTestApp({ JOURNEY_IMPORT_LIMIT: '50mb' });
    manager = await t.token('programme_manager', 'org-a');
    store = new PostgresEventStore(t.eventLogUrl, { poolSize: 2 });
  });
  afterAll(async () => {
    await store.close();
    await t.close();
  });

  const importFile = (lines: string[], query = '') =>
    t
      .http()
      .post(`/imports${query}`)
      .set({ authorization: `Bearer ${manager}`, 'content-type': 'application/x-ndjson' })
      .send(lines.join('\n') + '\n');

  test('writes every line, in order per person; the same file again writes nothing new', async () => {
    const lines = [...generateJourneyLines({ persons: 30, eventsPerPerson: 12, seed: 3, organisations: ['org-a'] })];
    const before = await store.headPosition();
    const first = await importFile(lines);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ persons: 30, events: 360, written: 360, dryRun: false });
    expect(await store.headPosition()).toBe(before + 360);

    const again = await importFile(lines);
    expect(again.body).toEqual({ persons: 30, events: 360, written: 0, dryRun: false });
    expect(await store.headPosition()).toBe(before + 360);

    const personId = JSON.parse(lines[0]).personId;
    const stream = await t
      .http()
      .get(`/persons/${personId}/events`)
      .set({ authorization: `Bearer ${manager}`, 'x-access-purpose': 'quality_assurance' });
    expect(stream.body.map((e: { type: string }) => e.type)).toEqual(lines.slice(0, 12).map((l) => JSON.parse(l).type));
    expect(stream.body.map((e: { occurredAt: string }) => e.occurredAt)).toEqual(lines.slice(0, 12).map((l) => JSON.parse(l).occurredAt));
  });

  test('a huge file with one bad line at the end writes nothing and names the line', async () => {
    const lines = [...generateJourneyLines({ persons: 1500, eventsPerPerson: 20, seed: 4, organisations: ['org-a'] })];
    lines.push(
      JSON.stringify({
        ...JSON.parse(lines[0]),
        type: 'ServiceDelivered',
        occurredAt: '2025-02-30',
        data: { domain: 'accommodation', serviceType: 'shelter' },
      }),
    );
    const before = await store.headPosition();
    const answer = await importFile(lines);
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(answer.body.errors).toEqual([{ line: 30001, field: 'occurredAt', reason: expect.stringMatching(/exist/) }]);
    expect(await store.headPosition()).toBe(before);
  });

  test('every bad line is listed: malformed JSON, unknown type, unknown field, wrong type, bad date, broken rule', async () => {
    const good = journeyOf(0, 5, 9, ['org-a']).map((line) => JSON.stringify(line));
    const personId = JSON.parse(good[0]).personId;
    const stranger = '0b7c7a53-7f8e-4a51-9c1d-2e3f4a5b6c7d';
    const bad = [
      '{"personId": "' + personId + '", "type": ',
      JSON.stringify({ personId, type: 'PersonTeleported', occurredAt: '2024-01-01', organisationId: 'org-a', data: {} }),
      JSON.stringify({ personId, type: 'ContactLost', occurredAt: '2024-01-01', organisationId: 'org-a', data: {}, colour: 'red' }),
      JSON.stringify({ personId, type: 'EmploymentStatusRecorded', occurredAt: '2024-01-01', organisationId: 'org-a', data: { status: 7 } }),
      JSON.stringify({ personId, type: 'ContactLost', occurredAt: '2023-13', organisationId: 'org-a', data: {} }),
      JSON.stringify({ personId: stranger, type: 'ContactLost', occurredAt: '2024-01-01', organisationId: 'org-a', data: {} }),
      JSON.stringify({ personId, type: 'PersonalDataErased', occurredAt: '2024-01-01', organisationId: 'org-a', data: { basis: 'person_request' } }),
    ];
    const before = await store.headPosition();
    const answer = await importFile([...good, ...bad]);
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { line: number; field: string }) => [e.line, e.field])).toEqual([
      [6, 'line'],
      [7, 'type'],
      [8, 'colour'],
      [9, 'data.status'],
      [10, 'occurredAt'],
      [11, 'type'],
      [12, 'type'],
    ]);
    expect(answer.body.errors[5].reason).toMatch(/person_not_registered/);
    expect(await store.headPosition()).toBe(before);
  });

  test('a dry run checks everything and writes nothing', async () => {
    const lines = [...generateJourneyLines({ persons: 5, eventsPerPerson: 6, seed: 11, organisations: ['org-a'] })];
    const before = await store.headPosition();
    const answer = await importFile(lines, '?dryRun=true');
    expect(answer.body).toEqual({ persons: 5, events: 30, written: 0, dryRun: true });
    expect(await store.headPosition()).toBe(before);
  });

  test('an organisation imports only its own lines; the body must be NDJSON', async () => {
    const lines = [...generateJourneyLines({ persons: 2, eventsPerPerson: 4, seed: 12, organisations: ['org-b'] })];
    const answer = await importFile(lines);
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0]).toMatchObject({ line: 1, field: 'organisationId' });
    const json = await t.http().post('/imports').set('authorization', `Bearer ${manager}`).send({ lines });
    expect(json.status).toBe(415);
  });
});

describe('a dry run tells nothing of persons another organisation holds', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  test("registering another organisation's person id answers exactly as an id nobody holds", async () => {
    const caseworkerA = await t.token('caseworker', 'org-a');
    const held = (
      await t.http().post('/persons').set('authorization', `Bearer ${caseworkerA}`).send({ gender: 'female', citizenship: 'MD', occurredAt: '2024-02-10' })
    ).body.personId as string;
    const managerB = await t.token('programme_manager', 'org-b');
    const registration = (personId: string) =>
      JSON.stringify({ personId, type: 'PersonRegistered', occurredAt: '2024-03-01', organisationId: 'org-b', data: { gender: 'male', citizenship: 'UA' } });
    const dryRun = async (personId: string) => {
      const answer = await t
        .http()
        .post('/imports?dryRun=true')
        .set({ authorization: `Bearer ${managerB}`, 'content-type': 'application/x-ndjson' })
        .send(`${registration(personId)}\n`);
      return { status: answer.status, headers: { 'content-type': answer.headers['content-type'] }, body: answer.body };
    };

    const forHeld = await dryRun(held);
    const forNobody = await dryRun(randomUUID());
    expect(forNobody).toEqual({
      status: 200,
      headers: { 'content-type': expect.stringMatching(/^application\/json/) },
      body: { persons: 1, events: 1, written: 0, dryRun: true },
    });
    expect(forHeld).toEqual(forNobody);

    // The real run never writes into the journey another organisation holds.
    const real = await t
      .http()
      .post('/imports')
      .set({ authorization: `Bearer ${managerB}`, 'content-type': 'application/x-ndjson' })
      .send(`${registration(held)}\n`);
    expect(real.status).toBe(400);
    const events = await t
      .http()
      .get(`/persons/${held}/events`)
      .set({ authorization: `Bearer ${caseworkerA}`, 'x-access-purpose': 'case_management' });
    expect(events.body.map((event: { type: string }) => event.type)).toEqual(['PersonRegistered']);
  });
});
