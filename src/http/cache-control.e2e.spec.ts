import { startTestApp, type TestApp } from '../../test/support/app';

/** No cache keeps an answer about a person, a caseload or the audit trail; only the public audit routes may be kept. */
describe('Cache-Control', () => {
  let t: TestApp;
  let manager: string;
  let personId: string;

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.token('programme_manager', 'org-a');
    const registered = await t.http().post('/persons').set(as(manager)).send({ gender: 'female', citizenship: 'MD', occurredAt: '2024-02-10' });
    expect(registered.status).toBe(201);
    personId = registered.body.personId;
    expect((await t.http().put(`/persons/${personId}/personal-data`).set(as(manager)).send({ phone: '+373 69 555 012' })).status).toBe(200);
    expect((await t.http().get(`/persons/${personId}/events`).set(as(manager))).status).toBe(200);
    expect(
      (
        await t
          .http()
          .post('/audit/checkpoints')
          .set(as(await t.token('auditor', 'org-a')))
      ).status,
    ).toBe(200);
  });
  afterAll(() => t.close());

  const as = (token: string) => ({ authorization: `Bearer ${token}`, 'x-access-purpose': 'case_management' });

  test('every answer about a person, every caseload and every audit answer is no-store', async () => {
    const auditor = await t.token('auditor', 'org-a');
    const ledgerAuditor = await t.token('ledger_auditor', 'org-a');
    const reads: [string, string][] = [
      [`/persons/${personId}/events`, manager],
      [`/persons/${personId}/status?minPosition=1`, manager],
      [`/persons/${personId}/timeline`, manager],
      [`/persons/${personId}/personal-data`, manager],
      ['/caseload', manager],
      ['/audit/export', ledgerAuditor],
      ['/audit/proofs/inclusion?index=0&treeSize=2', auditor],
      ['/audit/proofs/consistency?from=1&to=2', auditor],
      ['/audit/access-log', auditor],
      ['/audit/checkpoints?size=2', auditor],
    ];
    for (const [path, token] of reads) {
      const answer = await t.http().get(path).set(as(token));
      expect({ path, status: answer.status, cacheControl: answer.headers['cache-control'] }).toEqual({ path, status: 200, cacheControl: 'no-store' });
    }
    const unknown = await t.http().get('/persons/00000000-0000-4000-8000-000000000000/events').set(as(manager));
    expect({ status: unknown.status, cacheControl: unknown.headers['cache-control'] }).toEqual({ status: 404, cacheControl: 'no-store' });
  });

  test('the public key may be cached, the latest checkpoint revalidated; neither is no-store', async () => {
    const key = await t.http().get('/audit/public-key');
    expect(key.status).toBe(200);
    expect(key.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    const checkpoint = await t.http().get('/audit/checkpoint');
    expect(checkpoint.status).toBe(200);
    expect(checkpoint.headers['cache-control']).toBe('public, no-cache');
  });
});
