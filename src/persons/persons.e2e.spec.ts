import { startTestApp, type TestApp } from '../../test/support/app';

describe('recording journeys over HTTP', () => {
  let t: TestApp;
  let caseworker: string;

  beforeAll(async () => {
    t = await startTestApp({ JOURNEY_BODY_LIMIT: '16kb' });
    caseworker = await t.token('caseworker');
  });
  afterAll(() => t.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    t
      .http()
      .post(path)
      .set({ authorization: `Bearer ${caseworker}`, ...headers })
      .send(body as object);
  const events = (personId: string) =>
    t
      .http()
      .get(`/persons/${personId}/events`)
      .set({ authorization: `Bearer ${caseworker}`, 'x-access-purpose': 'case_management' });
  const register = async () => {
    const answer = await post('/persons', { gender: 'female', birthYear: 1994, citizenship: 'MD', occurredAt: '2024-02-10' });
    expect(answer.status).toBe(201);
    return answer.body.personId as string;
  };

  test('registering answers the new pseudonymous id, revision and position', async () => {
    const answer = await post('/persons', { gender: 'female', citizenship: 'UA', occurredAt: '2024-02' });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ personId: expect.stringMatching(/^[0-9a-f-]{36}$/), revision: 0, position: expect.any(Number) });
  });

  test('each fact has its route; the stream reads back in order with both dates', async () => {
    const personId = await register();
    const consent = await post(`/persons/${personId}/consents`, { scope: 'assistance', occurredAt: '2024-02-11' });
    expect(consent.status).toBe(201);
    expect(consent.body.revision).toBe(1);
    expect((await post(`/persons/${personId}/cases`, { programme: 'reintegration', occurredAt: '2024-03-01' })).status).toBe(201);
    expect((await post(`/persons/${personId}/services`, { domain: 'accommodation', serviceType: 'shelter', occurredAt: '2024-03-02' })).status).toBe(201);
    const status = await post(`/persons/${personId}/employment-statuses`, { status: 'self_employed', occurredAt: '2025-03' });
    expect(status.body.revision).toBe(4);
    expect((await post(`/persons/${personId}/consent-withdrawals`, { scope: 'assistance', occurredAt: '2025-04-01' })).status).toBe(201);

    const stream = await events(personId);
    expect(stream.status).toBe(200);
    expect(stream.body.map((e: { type: string }) => e.type)).toEqual([
      'PersonRegistered',
      'ConsentGranted',
      'CaseOpened',
      'ServiceDelivered',
      'EmploymentStatusRecorded',
      'ConsentWithdrawn',
    ]);
    expect(stream.body.map((e: { revision: number }) => e.revision)).toEqual([0, 1, 2, 3, 4, 5]);
    const service = stream.body[3];
    expect(service).toMatchObject({ occurredAt: '2024-03-02', data: { domain: 'accommodation', serviceType: 'shelter' }, schemaVersion: 1 });
    expect(new Date(service.recordedAt).getTime()).toBeGreaterThan(Date.parse('2026-01-01'));
    expect(service.eventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a person id in capitals is the same person, on reads and writes', async () => {
    const personId = await register();
    const upper = personId.toUpperCase();
    expect((await post(`/persons/${upper}/consents`, { scope: 'assistance', occurredAt: '2024-02-11' })).body.revision).toBe(1);
    const stream = await events(upper);
    expect(stream.status).toBe(200);
    expect(stream.body.map((e: { type: string }) => e.type)).toEqual(['PersonRegistered', 'ConsentGranted']);
    expect((await events(personId)).body).toHaveLength(2);
  });

  test('a broken rule answers 422 naming it, and writes nothing', async () => {
    const personId = await register();
    const answer = await post(`/persons/${personId}/services`, { domain: 'accommodation', serviceType: 'shelter', occurredAt: '2024-03-02' });
    expect(answer.status).toBe(422);
    expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(answer.body.rule).toBe('assistance_consent_required');
    expect((await events(personId)).body).toHaveLength(1);
  });

  test('an unknown person answers 404', async () => {
    const answer = await post('/persons/2f0e3c1a-8d7b-4b9e-9a51-3c2d1e0f4a5b/consents', { scope: 'assistance', occurredAt: '2024-02-11' });
    expect(answer.status).toBe(404);
    expect((await events('2f0e3c1a-8d7b-4b9e-9a51-3c2d1e0f4a5b')).status).toBe(404);
  });

  describe('bad input answers 400 as problem+json naming each field, and writes nothing', () => {
    let personId: string;
    beforeAll(async () => {
      personId = await register();
    });

    test.each([
      ['a wrong type', { gender: 5, citizenship: 'MD', occurredAt: '2024-01-01' }, ['gender']],
      ['an unknown field', { gender: 'female', citizenship: 'MD', occurredAt: '2024-01-01', nickname: 'x' }, ['nickname']],
      ['a date that does not exist', { gender: 'female', citizenship: 'MD', occurredAt: '2024-02-30' }, ['occurredAt']],
      ['a missing field and a bad country', { gender: 'female', citizenship: 'XX' }, ['citizenship', 'occurredAt']],
    ])('registering with %s', async (_, body, fields) => {
      const answer = await post('/persons', body);
      expect(answer.status).toBe(400);
      expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
      expect([...new Set(answer.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual(fields);
    });

    test('malformed JSON', async () => {
      const answer = await t
        .http()
        .post(`/persons/${personId}/consents`)
        .set({ authorization: `Bearer ${caseworker}`, 'content-type': 'application/json' })
        .send('{"scope": "assistance",');
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ field: 'body', reason: 'not valid JSON' }]);
    });

    test('an oversized body answers 413', async () => {
      const answer = await post(`/persons/${personId}/outcome-assessments`, {
        domain: 'accommodation',
        indicator: 'x'.repeat(20000),
        value: 1,
        occurredAt: '2024-01-01',
      });
      expect(answer.status).toBe(413);
      expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    test('a person id that is not a UUID', async () => {
      const answer = await post('/persons/not-a-uuid/consents', { scope: 'assistance', occurredAt: '2024-01-01' });
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ field: 'personId', reason: 'must be a UUID' }]);
    });

    afterAll(async () => {
      expect((await events(personId)).body).toHaveLength(1);
    });
  });

  test('If-Match: a stale revision answers 409 and writes nothing', async () => {
    const personId = await register();
    expect((await post(`/persons/${personId}/consents`, { scope: 'assistance', occurredAt: '2024-02-11' }, { 'if-match': '0' })).status).toBe(201);
    const stale = await post(`/persons/${personId}/consents`, { scope: 'research', occurredAt: '2024-02-12' }, { 'if-match': '0' });
    expect(stale.status).toBe(409);
    expect((await events(personId)).body).toHaveLength(2);
  });

  test('Idempotency-Key: a retry writes nothing new and answers as the first time', async () => {
    const personId = await register();
    const body = { scope: 'assistance', occurredAt: '2024-02-11' };
    const first = await post(`/persons/${personId}/consents`, body, { 'idempotency-key': 'req-42' });
    const retry = await post(`/persons/${personId}/consents`, body, { 'idempotency-key': 'req-42' });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect((await events(personId)).body).toHaveLength(2);
    const reused = await post(`/persons/${personId}/consents`, { scope: 'research', occurredAt: '2024-02-11' }, { 'idempotency-key': 'req-42' });
    expect(reused.status).toBe(422);

    const registration = { gender: 'male', citizenship: 'AL', occurredAt: '2023-11-02' };
    const once = await post('/persons', registration, { 'idempotency-key': 'reg-7' });
    const again = await post('/persons', registration, { 'idempotency-key': 'reg-7' });
    expect(again.body).toEqual(once.body);
  });

  test('concurrent commands on one person: one wins, the others get 409, the stream stays consistent', async () => {
    const personId = await register();
    await post(`/persons/${personId}/consents`, { scope: 'assistance', occurredAt: '2024-02-11' });
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post(`/persons/${personId}/services`, { domain: 'accommodation', serviceType: `shelter_${i}`, occurredAt: '2024-03-02' }, { 'if-match': '1' }),
      ),
    );
    expect(attempts.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const unguarded = await Promise.all(
      Array.from({ length: 8 }, () => post(`/persons/${personId}/services`, { domain: 'mental_health', serviceType: 'counselling', occurredAt: '2024-03-03' })),
    );
    const statuses = unguarded.map((a) => a.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const stream = (await events(personId)).body as { revision: number }[];
    expect(stream.map((e) => e.revision)).toEqual(stream.map((_, i) => i));
    expect(stream).toHaveLength(3 + statuses.filter((s) => s === 201).length);
  });

  test('every data route needs a token; health does not', async () => {
    expect((await t.http().post('/persons').send({})).status).toBe(401);
    expect((await t.http().get('/persons/2f0e3c1a-8d7b-4b9e-9a51-3c2d1e0f4a5b/events').set('authorization', 'Bearer nonsense')).status).toBe(401);
    const health = await t.http().get('/health');
    expect(health.status).toBe(200);
    expect(health.body.info.database.status).toBe('up');
  });

  test('metrics count appends and errors; the OpenAPI document lists every fact route', async () => {
    const metrics = await t
      .http()
      .get('/metrics')
      .set('authorization', `Bearer ${await t.token('admin')}`);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/journey_events_appended_total \d+/);
    expect(metrics.text).toContain('journey_append_duration_seconds_bucket');
    expect(metrics.text).toMatch(/journey_http_errors_total\{route="\/persons\/:personId\/services",status="422"\} \d+/);
    const openapi = await t.http().get('/docs/openapi.json');
    expect(openapi.status).toBe(200);
    for (const route of ['consents', 'consent-withdrawals', 'cases', 'services', 'employment-statuses', 'case-closures', 'entries-in-error']) {
      expect(openapi.body.paths[`/persons/{personId}/${route}`]?.post).toBeDefined();
    }
    expect(openapi.body.paths['/persons/{personId}/events'].get).toBeDefined();
  });
});
