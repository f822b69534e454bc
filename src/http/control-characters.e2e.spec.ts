import { startTestApp, type TestApp } from '../../test/support/app';

/**
 * Control characters and lone surrogates, through every way text comes in. A sharing consent whose organisationId
 * held U+0000 was once written, then refused by PostgreSQL in the read model, and stopped every projection.
 */
describe('text fields refuse control characters and lone surrogates', () => {
  let t: TestApp;
  let caseworker: string;
  let manager: string;
  let personId: string;

  beforeAll(async () => {
    t = await startTestApp();
    caseworker = await t.token('caseworker');
    manager = await t.token('programme_manager');
    const registered = await post('/persons', { gender: 'female', citizenship: 'MD', occurredAt: '2024-02-10' });
    expect(registered.status).toBe(201);
    personId = registered.body.personId;
  });
  afterAll(() => t.close());

  const as = (token: string) => ({ authorization: `Bearer ${token}`, 'x-access-purpose': 'case_management' });
  function post(path: string, body: object, token = caseworker) {
    return t.http().post(path).set(as(token)).send(body);
  }
  const importFile = (lines: object[]) =>
    t
      .http()
      .post('/imports')
      .set({ ...as(manager), 'content-type': 'application/x-ndjson' })
      .send(lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  const eventCount = async () => (await t.http().get(`/persons/${personId}/events`).set(as(caseworker))).body.length as number;

  const BAD = [
    ['U+0000', 'org-b\u0000'],
    ['a lone surrogate', 'org-b\ud800'],
    ['a C1 control (U+0085)', 'org-b\u0085'],
    ['a tab', 'org-b\t'],
    ['a line break', 'org-b\n'],
  ] as const;

  test.each(BAD)('a sharing consent whose organisationId holds %s answers 400 naming organisationId, and writes nothing', async (_, organisationId) => {
    const before = await eventCount();
    const answer = await post(`/persons/${personId}/consents`, { scope: 'sharing', organisationId, occurredAt: '2024-02-11' });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(answer.body.errors).toEqual([{ field: 'organisationId', reason: 'organisationId must not hold control characters or lone surrogates' }]);
    expect(await eventCount()).toBe(before);
  });

  test.each(BAD)('the same consent (%s) in an import answers 400 naming the line and data.organisationId', async (_, organisationId) => {
    const answer = await importFile([
      { personId, type: 'ConsentGranted', occurredAt: '2024-02-11', organisationId: 'org-a', data: { scope: 'assistance' } },
      { personId, type: 'ConsentGranted', occurredAt: '2024-02-12', organisationId: 'org-a', data: { scope: 'sharing', organisationId } },
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ line: 2, field: 'data.organisationId', reason: expect.stringMatching(/control characters/) }]);
  });

  test('an import line whose own organisationId holds a control character names it', async () => {
    const answer = await importFile([{ personId, type: 'ContactLost', occurredAt: '2024-02-11', organisationId: 'org-a\u0000', data: {} }]);
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ line: 1, field: 'organisationId', reason: 'must not hold control characters or lone surrogates' }]);
  });

  test('free text keeps tabs and line breaks, and still refuses other controls and lone surrogates', async () => {
    const reason = 'Moved away.\r\nWill call again:\n\t- in May';
    const declined = await post(`/persons/${personId}/assistance-declines`, { scope: 'assistance', reason, occurredAt: '2024-02-12' });
    expect(declined.status).toBe(201);
    const stream = await t.http().get(`/persons/${personId}/events`).set(as(caseworker));
    expect(stream.body.at(-1).data.reason).toBe(reason);

    for (const bad of ['a\u0000b', 'a\rb', 'a\u001bb', 'a\u009bb', 'a\udc00b']) {
      const answer = await post(`/persons/${personId}/assistance-declines`, { scope: 'assistance', reason: bad, occurredAt: '2024-02-12' });
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ field: 'reason', reason: expect.stringMatching(/control characters/) }]);
    }
  });

  test('strings anywhere in the data, and keys, are held to the same floor; a bad key is never echoed', async () => {
    const unknownField = await post(`/persons/${personId}/contact-losses`, { occurredAt: '2024-02-12', 'note\u0000': 'x' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors).toEqual([{ field: 'body', reason: 'must not have a key holding control characters or lone surrogates' }]);
    expect(unknownField.text).not.toMatch(/note/);

    const answerValue = await post(`/persons/${personId}/outcome-assessments`, {
      domain: 'accommodation',
      indicator: 'safe_housing',
      value: 'yes\u0000',
      occurredAt: '2024-02-12',
    });
    expect(answerValue.status).toBe(400);
    expect(answerValue.body.errors.map((error: { field: string }) => error.field)).toEqual(['value']);

    const target = (await t.http().get(`/persons/${personId}/events`).set(as(caseworker))).body[0].eventId;
    const correction = await post(`/persons/${personId}/corrections`, {
      targetEventId: target,
      reason: 'typo',
      correctedData: { gender: 'female', citizenship: 'MD', pseudonymCode: 'P\u0000' },
      occurredAt: '2024-02-12',
    });
    expect(correction.status).toBe(400);
    expect(correction.body.errors.map((error: { field: string }) => error.field)).toEqual(['correctedData.pseudonymCode']);
  });

  test('personal data: notes are free text, the other fields refuse every control character', async () => {
    const put = (body: object) => t.http().put(`/persons/${personId}/personal-data`).set(as(caseworker)).send(body);
    expect((await put({ fullName: 'Ana Munteanu', notes: 'Speaks Romanian.\nPrefers mornings.' })).status).toBe(200);
    const bad = await put({ fullName: 'Ana\u0000Munteanu', address: 'str. Florilor 17\nChisinau', notes: 'ok\u0085' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['address', 'fullName', 'notes']);
    expect(bad.text).not.toMatch(/Munteanu|Florilor/);
    const badKey = await put({ 'fullName\u0000': 'Ana Munteanu' });
    expect(badKey.status).toBe(400);
    expect(badKey.body.errors).toEqual([{ field: 'request', reason: 'must not have a key holding control characters or lone surrogates' }]);
    expect(badKey.text).not.toMatch(/fullName|Munteanu/);
  });

  test('a caseload query naming an organisation with a control character answers 400', async () => {
    const answer = await t.http().get('/caseload').query({ organisationId: 'org-a\u0000' }).set(as(manager));
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ field: 'organisationId', reason: 'organisationId must not hold control characters or lone surrogates' }]);
  });

  test('a token whose org or sub claim holds a control character is invalid', async () => {
    for (const token of [await t.token('caseworker', 'org-a\u0000'), await t.token('caseworker', 'org-a', 'user\u0085')]) {
      const answer = await t.http().get(`/persons/${personId}/events`).set(as(token));
      expect(answer.status).toBe(401);
    }
  });
});
