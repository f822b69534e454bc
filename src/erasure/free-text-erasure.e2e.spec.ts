import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { startTestApp, type TestApp } from '../../test/support/app';
import { PersonKeys } from '../personal-data/person-keys';

const EXPORT_ROLE = 'ledger_auditor' as const;

/**
 * Free text a person types can name someone and give a phone number. Stored as ciphertext under the person's data
 * key, it is readable by those allowed to read the person, and after erasure by nobody, anywhere.
 */
describe('erasure leaves no free text readable', () => {
  let t: TestApp;
  let pool: Pool;
  let eventLog: Pool | undefined;
  let dir: string;
  let logFile: string;
  const NAME = 'Ion Cebotari';
  const PHONE = '+373 69 555 111';
  const reason = `Her cousin ${NAME} (${PHONE}) will help her instead`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'journey-free-text-'));
    logFile = join(dir, 'server.log');
    t = await startTestApp({ JOURNEY_DATA_DIR: dir, JOURNEY_LOG_FILE: logFile, LOG_LEVEL: 'trace' });
    pool = new Pool({ connectionString: t.databaseUrl, max: 2 });
    // The event log in a database of its own (the suite's run with the log apart) is searched too.
    eventLog = t.eventLogUrl === t.databaseUrl ? undefined : new Pool({ connectionString: t.eventLogUrl, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await eventLog?.end();
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  const as = async (role: 'caseworker' | 'admin' | typeof EXPORT_ROLE) => ({
    authorization: `Bearer ${await t.token(role, 'org-a')}`,
    'x-access-purpose': 'data_subject_request',
  });
  const register = async () =>
    (
      await t
        .http()
        .post('/persons')
        .set(await as('caseworker'))
        .send({ gender: 'female', citizenship: 'MD', occurredAt: '2024-02-10' })
    ).body.personId as string;
  const events = async (personId: string) =>
    (
      await t
        .http()
        .get(`/persons/${personId}/events`)
        .set(await as('caseworker'))
    ).body;
  const exported = async () => {
    const answer = await t
      .http()
      .get('/audit/export')
      .set(await as(EXPORT_ROLE));
    expect(answer.status).toBe(200);
    return answer.text
      .split('\n')
      .filter(Boolean)
      .map((line) => Buffer.from(JSON.parse(line).canonical, 'base64').toString('utf8'))
      .join('\n');
  };
  /** Every row of every table of the databases (read models, event log), as text (bytea as hex, so the UTF-8 bytes of the text are searched too). */
  const wholeDatabase = async () => {
    const dumps: string[] = [];
    for (const database of [pool, ...(eventLog ? [eventLog] : [])]) {
      const { rows: tables } = await database.query<{ name: string }>(
        `SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      );
      for (const { name } of tables) dumps.push((await database.query(`SELECT t::text AS row FROM ${name} t`)).rows.map((r) => r.row).join('\n'));
    }
    return dumps.join('\n');
  };
  const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');

  test('is shown in plain text to those who may read the person, and stored as ciphertext only', async () => {
    const personId = await register();
    const declined = await t
      .http()
      .post(`/persons/${personId}/assistance-declines`)
      .set(await as('caseworker'))
      .send({ scope: 'assistance', reason, occurredAt: '2024-03-01' });
    expect(declined.status).toBe(201);
    const decline = (await events(personId)).find((event: { type: string }) => event.type === 'AssistanceDeclined');
    expect(decline.data).toEqual({ scope: 'assistance', reason });
    expect(decline.schemaVersion).toBe(2);
    expect(await exported()).not.toContain(NAME);
    const database = await wholeDatabase();
    for (const secret of [NAME, PHONE]) {
      expect(database).not.toContain(secret);
      expect(database).not.toContain(hex(secret));
    }
  });

  test('after erasure the text is nowhere: events API, audit export, read models, access log, server log', async () => {
    const personId = await register();
    await t
      .http()
      .post(`/persons/${personId}/assistance-declines`)
      .set(await as('caseworker'))
      .send({ scope: 'assistance', reason, occurredAt: '2024-03-01' });
    await t
      .http()
      .post(`/persons/${personId}/cases`)
      .set(await as('caseworker'))
      .send({ programme: 'reintegration', occurredAt: '2024-03-02' });
    const plan = { goals: [{ domain: 'employment_economic', goal: `Work with ${NAME}` }], occurredAt: '2024-03-03' };
    const planned = await t
      .http()
      .post(`/persons/${personId}/reintegration-plans`)
      .set(await as('caseworker'))
      .send(plan);
    expect(planned.status).toBe(201);
    // The read models have the person before the erasure, so that they are searched too.
    expect(
      (
        await t
          .http()
          .get(`/persons/${personId}/status?minPosition=${planned.body.position}`)
          .set(await as('caseworker'))
      ).status,
    ).toBe(200);

    expect(
      (
        await t
          .http()
          .post(`/persons/${personId}/erasure`)
          .set(await as('admin'))
          .send({ basis: 'person_request' })
      ).status,
    ).toBe(200);

    const stream = await events(personId);
    expect(stream.find((event: { type: string }) => event.type === 'AssistanceDeclined').data).toEqual({ scope: 'assistance', reason: { erased: true } });
    expect(stream.find((event: { type: string }) => event.type === 'ReintegrationPlanAgreed').data.goals).toEqual([
      { domain: 'employment_economic', goal: { erased: true } },
    ]);
    const everywhere = [JSON.stringify(stream), await exported(), await wholeDatabase(), await readFile(logFile, 'utf8')].join('\n');
    for (const secret of [NAME, PHONE]) {
      expect(everywhere).not.toContain(secret);
      expect(everywhere).not.toContain(hex(secret));
    }
  });

  test('the import seals free text as the API does', async () => {
    const personId = await register();
    const line = { personId, type: 'AssistanceDeclined', occurredAt: '2024-03-01', organisationId: 'org-a', data: { scope: 'assistance', reason } };
    const imported = await t
      .http()
      .post('/imports')
      .set({ authorization: `Bearer ${await t.token('programme_manager', 'org-a')}` })
      .set('content-type', 'application/x-ndjson')
      .send(`${JSON.stringify(line)}\n`);
    expect(imported.status).toBe(200);
    expect(imported.body.written).toBe(1);
    expect((await events(personId)).find((event: { type: string }) => event.type === 'AssistanceDeclined').data.reason).toBe(reason);
    const database = await wholeDatabase();
    expect(database).not.toContain(NAME);
    expect(database).not.toContain(hex(NAME));
  });

  test('no free text is recorded after erasure (it would be readable again); facts without it still are', async () => {
    const personId = await register();
    await t
      .http()
      .post(`/persons/${personId}/erasure`)
      .set(await as('admin'))
      .send({ basis: 'person_request' });
    const withText = await t
      .http()
      .post(`/persons/${personId}/assistance-declines`)
      .set(await as('caseworker'))
      .send({ scope: 'assistance', reason, occurredAt: '2024-04-01' });
    expect(withText.status).toBe(422);
    expect(withText.body.rule).toBe('personal_data_erased');
    const without = await t
      .http()
      .post(`/persons/${personId}/assistance-declines`)
      .set(await as('caseworker'))
      .send({ scope: 'assistance', occurredAt: '2024-04-01' });
    expect(without.status).toBe(201);
  });

  test('an idempotent retry of a fact with free text is recognised as the same request', async () => {
    const personId = await register();
    const send = async (text: string) =>
      t
        .http()
        .post(`/persons/${personId}/assistance-declines`)
        .set({ ...(await as('caseworker')), 'idempotency-key': 'decline-1' })
        .send({ scope: 'assistance', reason: text, occurredAt: '2024-03-01' });
    const first = await send(reason);
    expect((await send(reason)).body).toEqual(first.body);
    expect((await send(`${reason}!`)).body.rule).toBe('idempotency_key_reused');
  });
});

/** The key is destroyed before PersonalDataErased is appended; a failure in between is completed, never left half-done. */
describe('erasure is all or nothing', () => {
  let t: TestApp;
  let keys: () => PersonKeys;
  beforeAll(async () => {
    t = await startTestApp();
    keys = () => t.app.get(PersonKeys);
  });
  afterAll(() => t.close());

  const as = async (role: 'caseworker' | 'admin') => ({ authorization: `Bearer ${await t.token(role, 'org-a')}`, 'x-access-purpose': 'data_subject_request' });
  const unrecorded = async () => (await keys().unrecordedErasures()).map((erasure) => erasure.personId);
  const erasures = async (personId: string) =>
    (
      await t
        .http()
        .get(`/persons/${personId}/events`)
        .set(await as('caseworker'))
    ).body.filter((event: { type: string }) => event.type === 'PersonalDataErased');
  /** A person with personal data whose erasure stopped after the key was destroyed (the process died there). */
  const interruptedErasure = async () => {
    const personId = (
      await t
        .http()
        .post('/persons')
        .set(await as('caseworker'))
        .send({ gender: 'male', citizenship: 'AL', occurredAt: '2023-05' })
    ).body.personId;
    expect(
      (
        await t
          .http()
          .put(`/persons/${personId}/personal-data`)
          .set(await as('caseworker'))
          .send({ fullName: 'Arben Krasniqi' })
      ).status,
    ).toBe(200);
    await keys().destroy({ personId, basis: 'person_request', actor: 'user-admin', organisationId: 'org-a' });
    expect(await erasures(personId)).toEqual([]);
    return personId;
  };

  test('no key can be made again once destroyed, even before the event is appended', async () => {
    const personId = await interruptedErasure();
    expect(
      (
        await t
          .http()
          .get(`/persons/${personId}/personal-data`)
          .set(await as('caseworker'))
      ).body,
    ).toEqual({ status: 'erased' });
    const write = await t
      .http()
      .put(`/persons/${personId}/personal-data`)
      .set(await as('caseworker'))
      .send({ fullName: 'Arben Krasniqi' });
    expect(write.status).toBe(422);
    expect(await keys().forReading(personId)).toBeUndefined();
  });

  test('asking again completes it, once', async () => {
    const personId = await interruptedErasure();
    const again = await t
      .http()
      .post(`/persons/${personId}/erasure`)
      .set(await as('admin'))
      .send({ basis: 'person_request' });
    expect(again.status).toBe(200);
    const once = await t
      .http()
      .post(`/persons/${personId}/erasure`)
      .set(await as('admin'))
      .send({ basis: 'person_request' });
    expect(once.body).toEqual(again.body);
    expect(await erasures(personId)).toHaveLength(1);
    expect(await unrecorded()).not.toContain(personId);
  });

  test('the next start completes it, with the basis that was asked for', async () => {
    const personId = await interruptedErasure();
    expect(await unrecorded()).toContain(personId);
    await t.restart();
    const [erasure] = await erasures(personId);
    expect(erasure.data).toEqual({ basis: 'person_request' });
    expect(await unrecorded()).toEqual([]);
  });
});
