import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { startTestApp, type TestApp } from '../../test/support/app';

describe('hardening', () => {
  let t: TestApp;
  let dir: string;
  let logFile: string;
  let caseworker: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'journey-hardening-'));
    logFile = join(dir, 'logs', 'journey.log');
    t = await startTestApp({ JOURNEY_DATA_DIR: dir, JOURNEY_LOG_FILE: logFile, LOG_LEVEL: 'trace' });
    caseworker = await t.token('caseworker', 'org-a');
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  const as = (token: string, purpose = 'case_management') => ({ authorization: `Bearer ${token}`, 'x-access-purpose': purpose });

  test('security headers on every answer; no x-powered-by', async () => {
    for (const answer of [await t.http().get('/health'), await t.http().get('/persons/x/events')]) {
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
      expect(answer.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(answer.headers['x-powered-by']).toBeUndefined();
    }
  });

  test('CORS is off: no origin is ever allowed', async () => {
    const preflight = await t.http().options('/persons').set({ origin: 'https://evil.example', 'access-control-request-method': 'POST' });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await t.http().get('/health').set('origin', 'https://evil.example');
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('a read whose access log entry cannot be written is refused, with a plain 500 and no internals', async () => {
    const personId = (await t.http().post('/persons').set(as(caseworker)).send({ gender: 'male', citizenship: 'UA', occurredAt: '2024-01' })).body.personId;
    const pool = new Pool({ connectionString: t.databaseUrl, max: 1 });
    try {
      await pool.query('ALTER TABLE access_log RENAME TO access_log_away');
      const answer = await t.http().get(`/persons/${personId}/events`).set(as(caseworker));
      expect(answer.status).toBe(500);
      expect(answer.body).toEqual({ type: 'about:blank', title: 'Internal server error', status: 500 });
      expect(answer.text).not.toMatch(/access_log|relation|at \w+ \(|\.ts:/);
    } finally {
      await pool.query('ALTER TABLE access_log_away RENAME TO access_log');
      await pool.end();
    }
  });

  test('a full run leaves no personal value used in it anywhere in the logs', async () => {
    const secret = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}`;
    const values = {
      fullName: secret('Oksana Petrenko'),
      dateOfBirth: '1987-11-23',
      phone: `+380 44 ${Math.floor(100000 + Math.random() * 899999)}`,
      address: secret('vul. Khreshchatyk 22, Kyiv'),
      notes: secret('Afraid of the recruiter in Odesa'),
    };
    const personId = (await t.http().post('/persons').set(as(caseworker)).send({ gender: 'female', citizenship: 'UA', occurredAt: '2024-02' })).body.personId;
    const personalData = `/persons/${personId}/personal-data`;

    expect((await t.http().put(personalData).set(as(caseworker)).send(values)).status).toBe(200);
    expect((await t.http().get(personalData).set(as(caseworker))).body.fullName).toBe(values.fullName);
    expect((await t.http().get(`/persons/${personId}/events`).set(as(caseworker))).status).toBe(200);
    // Refused input carrying the values: bad fields, an unknown field, a bad purpose, values in a query string.
    expect(
      (
        await t
          .http()
          .put(personalData)
          .set(as(caseworker))
          .send({ ...values, dateOfBirth: `${values.fullName}` })
      ).status,
    ).toBe(400);
    expect(
      (
        await t
          .http()
          .put(personalData)
          .set(as(caseworker))
          .send({ ...values, [values.notes]: values.address })
      ).status,
    ).toBe(400);
    expect((await t.http().get(personalData).set(as(caseworker, values.fullName))).status).toBe(400);
    expect(
      (
        await t
          .http()
          .get(`${personalData}?name=${encodeURIComponent(values.fullName)}`)
          .set(as(caseworker))
      ).status,
    ).toBe(200);
    expect((await t.http().post(`/persons/${personId}/case-notes`).set(as(caseworker)).send({ text: values.notes })).status).toBe(404);
    const erasure = await t
      .http()
      .post(`/persons/${personId}/erasure`)
      .set(as(await t.token('admin', 'org-a')))
      .send({ basis: 'person_request' });
    expect(erasure.status).toBe(200);
    expect((await t.http().get(personalData).set(as(caseworker))).body).toEqual({ status: 'erased' });

    const logs = await readFile(logFile, 'utf8');
    // The capture works: every request above is in it, at trace level.
    expect(logs.match(/"msg":"request completed"/g)?.length).toBeGreaterThanOrEqual(9);
    expect(logs).toContain(`/persons/${personId}/personal-data`);
    const forms = Object.values(values).flatMap((value) => [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
    for (const form of [...forms, 'Oksana', 'Petrenko', 'Khreshchatyk', 'recruiter']) expect(logs).not.toContain(form);
  });

  test('too many failed authentications from one address answer 429 until the minute ends, unless the token is valid', async () => {
    const limited = await startTestApp({ JOURNEY_DATA_DIR: dir, JOURNEY_AUTH_FAILURES_PER_MINUTE: '3' });
    try {
      const valid = await limited.token('caseworker', 'org-a');
      for (let i = 0; i < 3; i++) {
        expect((await limited.http().post('/persons').set('authorization', `Bearer forged.${i}.token`).send({})).status).toBe(401);
      }
      const blocked = await limited.http().post('/persons').set('authorization', 'Bearer forged.3.token').send({});
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect((await limited.http().post('/persons').set('authorization', `Bearer ${valid}`).send({})).status).toBe(400);
      expect((await limited.http().get('/health')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
