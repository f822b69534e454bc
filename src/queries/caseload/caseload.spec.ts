import { randomUUID } from 'node:crypto';
import { startReadApi, type ReadApi } from '../../../test/projections/read-api';
import { fact } from '../../../test/projections/read-model-database';

let api: ReadApi;
let lastPosition = 0;
const persons: { id: string; org: string; lost: boolean; retrafficked: boolean; contact: string }[] = [];

beforeAll(async () => {
  api = await startReadApi();
  for (let index = 0; index < 12; index += 1) {
    const person = {
      id: randomUUID(),
      org: index % 3 === 0 ? 'org-b' : 'org-a',
      lost: index % 4 === 0,
      retrafficked: index === 5,
      contact: `2022-0${(index % 9) + 1}-15`,
    };
    persons.push(person);
    const events = [
      fact('PersonRegistered', { gender: 'female', citizenship: 'MD' }, person.contact, person.org),
      ...(person.lost ? [fact('ContactLost', {}, '2023-01-01', person.org)] : []),
      ...(person.retrafficked ? [fact('ReTraffickingReported', {}, '2023-02', person.org)] : []),
    ];
    lastPosition = (await api.db.store.append(`journey-${person.id}`, events, 'no_stream')).position;
  }
});
afterAll(() => api.close());

const ids = (body: { items: { personId: string }[] }) => body.items.map((item) => item.personId);

const ofOrg = (org: string) => persons.filter((person) => person.org === org);

test("GET /caseload shows the caller's organisation only, filtered by contact lost and re-trafficked, sorted by person", async () => {
  const orgA = await api.http().get('/caseload').query({ organisationId: 'org-a', minPosition: lastPosition }).expect(200);
  expect(orgA.body.position).toBeGreaterThanOrEqual(lastPosition);
  expect(ids(orgA.body)).toEqual(
    ofOrg('org-a')
      .map((person) => person.id)
      .sort(),
  );
  const orgB = await api.http().get('/caseload').set('x-test-org', 'org-b').expect(200);
  expect(ids(orgB.body)).toEqual(
    ofOrg('org-b')
      .map((person) => person.id)
      .sort(),
  );
  await api.http().get('/caseload').query({ organisationId: 'org-b' }).expect(403);
  const lost = await api.http().get('/caseload').query({ contactLost: 'true' }).expect(200);
  expect(ids(lost.body)).toEqual(
    ofOrg('org-a')
      .filter((person) => person.lost)
      .map((person) => person.id)
      .sort(),
  );
  const retrafficked = await api.http().get('/caseload').query({ reTrafficked: true, phase: 'identified' }).expect(200);
  expect(ids(retrafficked.body)).toEqual([persons[5]!.id]);
});

test('pages follow the cursor to the end, in order, each person once; lastContactAt sorts the longest without contact first', async () => {
  for (const sort of ['personId', 'lastContactAt'] as const) {
    const seen: { personId: string; lastContactAt: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await api
        .http()
        .get('/caseload')
        .query({ limit: 5, sort, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.map((item) => item.personId).sort()).toEqual(
      ofOrg('org-a')
        .map((person) => person.id)
        .sort(),
    );
    const keys = seen.map((item) => (sort === 'personId' ? item.personId : `${item.lastContactAt} ${item.personId}`));
    expect(keys).toEqual([...keys].sort());
  }
});

test('bad filters are 400, naming the field', async () => {
  for (const [field, value] of [
    ['phase', 'lost'],
    ['contactLost', 'maybe'],
    ['limit', '0'],
    ['cursor', 'abc'],
    ['sort', 'name'],
  ]) {
    const response = await api
      .http()
      .get('/caseload')
      .query({ [field]: value })
      .expect(400);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual([field]);
  }
});
