import { gzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from '../../test/support/app';

/** Requests no client should send answer 400 naming what is wrong, never 500 or a long wait. */
describe('malformed requests', () => {
  let t: TestApp;
  let caseworker: string;
  let manager: string;
  let personId: string;
  let position: number;

  beforeAll(async () => {
    t = await startTestApp();
    caseworker = await t.token('caseworker', 'org-a');
    manager = await t.token('programme_manager', 'org-a');
    const registered = await t.http().post('/persons').set(as(caseworker)).send({ gender: 'female', citizenship: 'MD', occurredAt: '2024-02-10' });
    expect(registered.status).toBe(201);
    ({ personId, position } = registered.body);
  });
  afterAll(() => t.close());

  const as = (token: string) => ({ authorization: `Bearer ${token}`, 'x-access-purpose': 'case_management' });
  const expectBadRequest = (answer: { status: number; headers: Record<string, string>; body: { errors?: unknown } }, fields: string[]) => {
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body.errors).toEqual(fields.map((field) => expect.objectContaining({ field })));
  };

  test('a date that does not exist in a timeline query answers 400 naming it', async () => {
    expectBadRequest(await t.http().get(`/persons/${personId}/timeline?to=2024-02-31`).set(as(caseworker)), ['to']);
    expectBadRequest(await t.http().get(`/persons/${personId}/timeline?from=2023-02-29&to=2024-02-29`).set(as(caseworker)), ['from']);
    expectBadRequest(await t.http().get(`/persons/${personId}/timeline?from=0000-01&to=2024-13`).set(as(caseworker)), ['from', 'to']);
    // Read-your-writes: the registration may not be projected yet, and an unprojected person is a 404.
    const valid = `/persons/${personId}/timeline?from=2024-02-29&to=2024-02&minPosition=${position}`;
    expect((await t.http().get(valid).set(as(caseworker))).status).toBe(200);
  });

  test('a body whose gzip is malformed answers 400, on a JSON route and on the import', async () => {
    const registration = JSON.stringify({ gender: 'male', citizenship: 'UA', occurredAt: '2024-01' });
    // superagent would send a Buffer under a JSON content type as JSON; this serializer sends its bytes as they are.
    const asItIs = (bytes: Buffer) => bytes as unknown as string;
    const gzipped = (path: string, token: string, contentType: string, body: Buffer) =>
      t
        .http()
        .post(path)
        .set({ ...as(token), 'content-type': contentType, 'content-encoding': 'gzip' })
        .serialize(asItIs)
        .send(body);
    const garbage = Buffer.from('this is not a gzip stream at all');
    expectBadRequest(await gzipped('/persons', caseworker, 'application/json', garbage), ['body']);
    expectBadRequest(await gzipped('/persons', caseworker, 'application/json', gzipSync(registration).subarray(0, 20)), ['body']);
    expectBadRequest(await gzipped('/imports', manager, 'application/x-ndjson', garbage), ['body']);

    expect((await gzipped('/persons', caseworker, 'application/json', gzipSync(registration))).status).toBe(201);
  });

  test('a minPosition beyond the head of the log answers 400 at once, naming it', async () => {
    for (const path of [`/persons/${personId}/status`, `/persons/${personId}/timeline`, '/caseload']) {
      const started = Date.now();
      expectBadRequest(
        await t
          .http()
          .get(`${path}?minPosition=${position + 1000}`)
          .set(as(manager)),
        ['minPosition'],
      );
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await t.http().get(`${path}?minPosition=${position}`).set(as(manager))).status).toBe(200);
    }
  });
});
