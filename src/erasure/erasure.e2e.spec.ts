import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { startTestApp, type TestApp } from '../../test/support/app';
import { runVerify } from '../audit/verify.command';
import { PersonKeys } from '../personal-data/person-keys';

describe('erasure (crypto-shredding)', () => {
  let t: TestApp;
  let pool: Pool;
  let eventLog: Pool;
  let dataDir: string;
  let caseworker: string;
  let admin: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'journey-erasure-'));
    const checkpointKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    t = await startTestApp({ JOURNEY_DATA_DIR: dataDir, JOURNEY_CHECKPOINT_KEY: checkpointKey });
    pool = new Pool({ connectionString: t.databaseUrl, max: 2 });
    eventLog = new Pool({ connectionString: t.eventLogUrl, max: 2 });
    caseworker = await t.token('caseworker', 'org-a');
    admin = await t.token('admin', 'org-a');
  });
  afterAll(async () => {
    await pool.end();
    await eventLog.end();
    await t.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const as = (token: string) => ({ authorization: `Bearer ${token}`, 'x-access-purpose': 'data_subject_request' });
  const erase = (personId: string, token = admin, basis = 'person_request') => t.http().post(`/persons/${personId}/erasure`).set(as(token)).send({ basis });
  const keyRows = async (personId: string) =>
    (await pool.query('SELECT 1 FROM person_data_keys WHERE person_id = $1 AND wrapped_key IS NOT NULL', [personId])).rowCount;
  const canonicalOf = async (personId: string, type: string) =>
    (await eventLog.query(`SELECT canonical FROM events WHERE stream_id = $1 AND type = $2`, [`journey-${personId}`, type])).rows.map(
      (row: { canonical: Buffer }) => row.canonical.toString('hex'),
    );

  async function personWithData(): Promise<string> {
    const personId = (await t.http().post('/persons').set(as(caseworker)).send({ gender: 'male', citizenship: 'AL', occurredAt: '2023-05' })).body.personId;
    await t.http().post(`/persons/${personId}/consents`).set(as(caseworker)).send({ scope: 'assistance', occurredAt: '2023-05-02' });
    await t.http().post(`/persons/${personId}/employment-statuses`).set(as(caseworker)).send({ status: 'student', occurredAt: '2024-01' });
    expect((await t.http().put(`/persons/${personId}/personal-data`).set(as(caseworker)).send({ fullName: 'Arben Krasniqi', notes: 'x' })).status).toBe(200);
    expect((await t.http().get(`/persons/${personId}/personal-data`).set(as(caseworker))).body.fullName).toBe('Arben Krasniqi');
    return personId;
  }

  test('destroys the key in the store and in memory, records PersonalDataErased, and the fields read as erased', async () => {
    const personId = await personWithData();
    const keys = t.app.get(PersonKeys);
    expect(await keyRows(personId)).toBe(1);
    expect(keys.holdsInMemory(personId)).toBe(true);
    const ciphertextBefore = await canonicalOf(personId, 'PersonalDataRecorded');

    const erased = await erase(personId);
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({ revision: 4, position: expect.any(Number) });

    expect(await keyRows(personId)).toBe(0);
    expect(keys.holdsInMemory(personId)).toBe(false);
    expect(await keys.forReading(personId)).toBeUndefined();
    expect((await t.http().get(`/persons/${personId}/personal-data`).set(as(caseworker))).body).toEqual({ status: 'erased' });

    const stream = await t.http().get(`/persons/${personId}/events`).set(as(caseworker));
    expect(stream.body.map((e: { type: string }) => e.type)).toEqual([
      'PersonRegistered',
      'ConsentGranted',
      'EmploymentStatusRecorded',
      'PersonalDataRecorded',
      'PersonalDataErased',
    ]);
    expect(stream.body[4].data).toEqual({ basis: 'person_request' });
    expect(stream.body[2].data).toEqual({ status: 'student' });
    // The ciphertext stays in the log, byte for byte; only the key to it is gone.
    expect(await canonicalOf(personId, 'PersonalDataRecorded')).toEqual(ciphertextBefore);
  });

  test('afterwards no personal data can be recorded again, and asking again destroys any key again', async () => {
    const personId = await personWithData();
    const first = await erase(personId);
    const write = await t.http().put(`/persons/${personId}/personal-data`).set(as(caseworker)).send({ fullName: 'Arben Krasniqi' });
    expect(write.status).toBe(422);
    expect(write.body.rule).toBe('personal_data_erased');
    expect(await keyRows(personId)).toBe(0);
    const again = await erase(personId);
    expect(again.body).toEqual(first.body);
  });

  test('only an admin of an organisation with access may erase; a valid basis is required', async () => {
    const personId = await personWithData();
    expect((await erase(personId, caseworker)).status).toBe(403);
    expect((await erase(personId, await t.token('admin', 'org-b'))).status).toBe(404);
    const noBasis = await erase(personId, admin, 'because');
    expect(noBasis.status).toBe(400);
    expect(noBasis.body.errors.map((e: { field: string }) => e.field)).toEqual(['basis']);
    expect((await t.http().get(`/persons/${personId}/personal-data`).set(as(admin))).status).toBe(403);
    expect(await keyRows(personId)).toBe(1);
  });

  test('the integrity verifier still passes on the whole log after erasures', async () => {
    const personId = await personWithData();
    await erase(personId);
    const auditor = await t.token('auditor', 'org-audit');
    expect(
      (
        await t
          .http()
          .post('/audit/checkpoints')
          .set({ authorization: `Bearer ${auditor}` })
      ).status,
    ).toBeLessThan(300);
    const report = await runVerify({ online: await t.app.getUrl(), token: await t.token('ledger_auditor', 'org-audit'), checkpoint: [] });
    expect(report).toMatchObject({ ok: true, index: null });
    expect(report.events).toBe(Number((await eventLog.query('SELECT count(*) FROM events')).rows[0].count));
  });
});
