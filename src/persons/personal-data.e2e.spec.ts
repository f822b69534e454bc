import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { startTestApp, type TestApp } from '../../test/support/app';

describe('personal data over HTTP', () => {
  let t: TestApp;
  let pool: Pool;
  let eventLog: Pool;
  let dataDir: string;
  let orgA: string;
  let orgB: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'journey-personal-data-'));
    t = await startTestApp({ JOURNEY_DATA_DIR: dataDir });
    pool = new Pool({ connectionString: t.databaseUrl, max: 2 });
    eventLog = new Pool({ connectionString: t.eventLogUrl, max: 2 });
    orgA = await t.token('caseworker', 'org-a', 'cw-a');
    orgB = await t.token('caseworker', 'org-b', 'cw-b');
  });
  afterAll(async () => {
    await pool.end();
    await eventLog.end();
    await t.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const as = (token: string, purpose = 'case_management') => ({ authorization: `Bearer ${token}`, 'x-access-purpose': purpose });
  const register = async (token = orgA) => {
    const answer = await t.http().post('/persons').set(as(token)).send({ gender: 'female', citizenship: 'MD', occurredAt: '2024-02-10' });
    expect(answer.status).toBe(201);
    return answer.body.personId as string;
  };
  const fact = (personId: string, route: string, body: object, token = orgA) =>
    t
      .http()
      .post(`/persons/${personId}/${route}`)
      .set(as(token))
      .send({ occurredAt: '2024-03-01', ...body });
  const put = (personId: string, body: object, token = orgA) => t.http().put(`/persons/${personId}/personal-data`).set(as(token)).send(body);
  const get = (personId: string, token = orgA, purpose?: string) => t.http().get(`/persons/${personId}/personal-data`).set(as(token, purpose));

  const person = {
    fullName: 'Elena Vasilescu-Moraru',
    dateOfBirth: '1996-07-14',
    phone: '+373 69 555 012',
    address: 'str. Florilor 17, Chisinau',
    notes: 'Prefers contact via sister',
  };

  test('PUT encrypts, GET decrypts; the events hold ciphertext only', async () => {
    const personId = await register();
    const written = await put(personId, person);
    expect(written.status).toBe(200);
    expect(written.body).toEqual({ revision: 1, position: expect.any(Number) });

    const read = await get(personId);
    expect(read.status).toBe(200);
    expect(read.headers['cache-control']).toBe('no-store');
    expect(read.body).toEqual({ status: 'recorded', recordedAt: expect.any(String), ...person });

    // What the log stores and hashes: the canonical bytes of each event, data and metadata included.
    const { rows } = await eventLog.query(`SELECT type, convert_from(canonical, 'UTF8') AS canonical FROM events WHERE stream_id = $1`, [
      `journey-${personId}`,
    ]);
    const recorded = rows.find((row) => row.type === 'PersonalDataRecorded');
    expect(Object.keys(JSON.parse(recorded.canonical).data.fields).sort()).toEqual(Object.keys(person).sort());
    for (const row of rows) for (const value of Object.values(person)) expect(row.canonical).not.toContain(value);
  });

  test('a PUT replaces the record; fields left out are gone', async () => {
    const personId = await register();
    await put(personId, person);
    expect((await put(personId, { phone: '+40 721 000 111' })).status).toBe(200);
    expect((await get(personId)).body).toEqual({ status: 'recorded', recordedAt: expect.any(String), phone: '+40 721 000 111' });
  });

  test('nothing recorded reads as none; bad fields answer 400 naming the field, never the value', async () => {
    const personId = await register();
    expect((await get(personId)).body).toEqual({ status: 'none' });
    const bad = await put(personId, { fullName: 'Ion Rusu', dateOfBirth: '1990-02-30', phone: 'call Ion Rusu' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['dateOfBirth', 'phone']);
    expect(bad.text).not.toMatch(/Ion Rusu|1990-02-30/);
    expect((await put(personId, {})).status).toBe(400);
    expect((await put(personId, { nickname: 'x' })).status).toBe(400);
  });

  test('another organisation gets 404 for reads and writes, as for nobody', async () => {
    const personId = await register();
    await put(personId, person);
    const nobody = '7d1c8a52-0b1e-4c4f-9a6b-2e4d6f8a0c13';
    for (const id of [personId, nobody]) {
      expect((await get(id, orgB)).status).toBe(404);
      expect((await put(id, { phone: '+1 555 0100' }, orgB)).status).toBe(404);
      expect((await t.http().get(`/persons/${id}/events`).set(as(orgB))).status).toBe(404);
      expect((await fact(id, 'contact-losses', {}, orgB)).status).toBe(404);
    }
    const answers = await Promise.all([get(personId, orgB), get(nobody, orgB)]);
    expect(answers[0].body).toEqual(answers[1].body);
  });

  test('a sharing consent opens the person to the named organisation; withdrawing it closes them at once', async () => {
    const personId = await register();
    await put(personId, person);
    expect((await fact(personId, 'referrals', { referralId: 'R1', toOrganisationId: 'org-b' })).body.rule).toBe('sharing_basis_required');

    expect((await fact(personId, 'consents', { scope: 'sharing', organisationId: 'org-b' })).status).toBe(201);
    expect((await fact(personId, 'referrals', { referralId: 'R1', toOrganisationId: 'org-b' })).status).toBe(201);
    expect((await get(personId, orgB)).body.fullName).toBe(person.fullName);
    expect((await fact(personId, 'follow-up-contacts', { mode: 'phone', result: 'reached' }, orgB)).status).toBe(201);

    expect((await fact(personId, 'consent-withdrawals', { scope: 'sharing', organisationId: 'org-b' })).status).toBe(201);
    expect((await get(personId, orgB)).status).toBe(404);
    expect((await fact(personId, 'follow-up-contacts', { mode: 'phone', result: 'reached' }, orgB)).status).toBe(404);
    expect((await fact(personId, 'case-transfers', { toOrganisationId: 'org-b' })).body.rule).toBe('sharing_basis_required');
  });

  test('an override basis is a recorded fact that permits the transfer; the case then moves', async () => {
    const personId = await register();
    const override = await fact(personId, 'sharing-overrides', { organisationId: 'org-b', basis: 'child_best_interest' });
    expect(override.status).toBe(201);
    expect((await fact(personId, 'case-transfers', { toOrganisationId: 'org-b', reason: 'moved region' })).status).toBe(201);
    expect((await get(personId, orgB)).status).toBe(200);
    const stream = await t.http().get(`/persons/${personId}/events`).set(as(orgB));
    expect(stream.body.map((e: { type: string }) => e.type)).toEqual(['PersonRegistered', 'SharingOverrideRecorded', 'CaseTransferred']);
  });

  test('every read of a person\u2019s record states a purpose and lands in the access log auditors read', async () => {
    const personId = await register();
    expect(
      (
        await t
          .http()
          .get(`/persons/${personId}/personal-data`)
          .set({ authorization: `Bearer ${orgA}` })
      ).status,
    ).toBe(400);
    expect((await get(personId, orgA, 'gossip')).status).toBe(400);
    expect((await get(personId, orgA, 'follow_up')).status).toBe(200);
    expect((await t.http().get(`/persons/${personId}/events`).set(as(orgA, 'safeguarding'))).status).toBe(200);
    expect((await get(personId, orgB)).status).toBe(404);

    const auditor = await t.token('auditor', 'org-a');
    const log = await t
      .http()
      .get(`/audit/access-log?personId=${personId}`)
      .set({ authorization: `Bearer ${auditor}` });
    expect(log.status).toBe(200);
    expect(log.body.entries).toEqual([
      {
        id: expect.any(Number),
        accessedAt: expect.any(String),
        actor: 'cw-a',
        organisationId: 'org-a',
        personId,
        resource: '/persons/:personId/personal-data',
        purpose: 'follow_up',
      },
      {
        id: expect.any(Number),
        accessedAt: expect.any(String),
        actor: 'cw-a',
        organisationId: 'org-a',
        personId,
        resource: '/persons/:personId/events',
        purpose: 'safeguarding',
      },
    ]);
    expect(log.body.next).toBeNull();

    const first = await t
      .http()
      .get(`/audit/access-log?personId=${personId}&limit=1`)
      .set({ authorization: `Bearer ${auditor}` });
    expect(first.body.entries).toHaveLength(1);
    const second = await t
      .http()
      .get(`/audit/access-log?personId=${personId}&limit=1&after=${first.body.next}`)
      .set({ authorization: `Bearer ${auditor}` });
    expect(second.body.entries[0].purpose).toBe('safeguarding');
    expect(
      (
        await t
          .http()
          .get('/audit/access-log')
          .set({ authorization: `Bearer ${orgA}` })
      ).status,
    ).toBe(403);
    await expect(pool.query('DELETE FROM access_log')).rejects.toThrow(/append-only/);
  });
});
