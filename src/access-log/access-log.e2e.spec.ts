import { startTestApp, type TestApp } from '../../test/support/app';

/** The access log as auditors read it: each organisation's own reads, and every export of the whole ledger. */
describe('the access log and the ledger export', () => {
  let t: TestApp;
  let caseworkerA: string;
  let caseworkerB: string;
  let personA: string;
  let personB: string;

  beforeAll(async () => {
    t = await startTestApp();
    caseworkerA = await t.token('caseworker', 'org-a', 'cw-a');
    caseworkerB = await t.token('caseworker', 'org-b', 'cw-b');
    personA = await register(caseworkerA);
    personB = await register(caseworkerB);
  });
  afterAll(() => t.close());

  const as = (token: string, purpose?: string) => ({ authorization: `Bearer ${token}`, ...(purpose ? { 'x-access-purpose': purpose } : {}) });
  async function register(token: string): Promise<string> {
    const answer = await t.http().post('/persons').set(as(token)).send({ gender: 'female', citizenship: 'MD', occurredAt: '2024-02-10' });
    expect(answer.status).toBe(201);
    return answer.body.personId as string;
  }
  const accessLog = async (token: string, query = '') => {
    const answer = await t.http().get(`/audit/access-log${query}`).set(as(token));
    expect(answer.status).toBe(200);
    return answer.body.entries as Record<string, unknown>[];
  };

  test("an auditor sees their own organisation's entries only", async () => {
    expect((await t.http().get(`/persons/${personA}/events`).set(as(caseworkerA, 'case_management'))).status).toBe(200);
    expect((await t.http().get(`/persons/${personB}/events`).set(as(caseworkerB, 'follow_up'))).status).toBe(200);

    const seenByB = await accessLog(await t.token('auditor', 'org-b'));
    expect(seenByB).toEqual([expect.objectContaining({ actor: 'cw-b', organisationId: 'org-b', personId: personB, purpose: 'follow_up' })]);
    expect(await accessLog(await t.token('auditor', 'org-b'), `?personId=${personA}`)).toEqual([]);
    const seenByA = await accessLog(await t.token('auditor', 'org-a'));
    expect(seenByA.map((entry) => entry.organisationId)).toEqual(['org-a']);
  });

  test('the whole-ledger export needs ledger_auditor; an auditor is refused it, and proofs and checkpoints stay theirs', async () => {
    const auditor = await t.token('auditor', 'org-b');
    expect((await t.http().get('/audit/export').set(as(auditor))).status).toBe(403);
    expect((await t.http().post('/audit/checkpoints').set(as(auditor))).status).toBe(200);
    expect((await t.http().get('/audit/checkpoints?size=2').set(as(auditor))).status).toBe(200);
    expect((await t.http().get('/audit/proofs/inclusion?index=0&treeSize=2').set(as(auditor))).status).toBe(200);
    expect((await t.http().get('/audit/proofs/consistency?from=1&to=2').set(as(auditor))).status).toBe(200);

    const ledgerAuditor = await t.token('ledger_auditor', 'org-b');
    const exported = await t.http().get('/audit/export?from=0&to=2').set(as(ledgerAuditor));
    expect(exported.status).toBe(200);
    const lines = exported.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => Object.keys(line))).toEqual([
      ['index', 'canonical', 'eventHash'],
      ['index', 'canonical', 'eventHash'],
    ]);
    expect((await t.http().get('/audit/access-log').set(as(ledgerAuditor))).status).toBe(403);
  });

  test('every export is in the access log: who, which range, when', async () => {
    const ledgerAuditor = await t.token('ledger_auditor', 'org-b', 'ledger-1');
    const before = Date.now();
    expect((await t.http().get('/audit/export?from=1&to=2').set(as(ledgerAuditor))).status).toBe(200);
    expect((await t.http().get('/audit/export').set(as(ledgerAuditor))).status).toBe(200);

    const exports = (await accessLog(await t.token('auditor', 'org-b'))).filter((entry) => entry.resource === '/audit/export' && entry.actor === 'ledger-1');
    expect(exports).toEqual([
      {
        id: expect.any(Number),
        accessedAt: expect.any(String),
        actor: 'ledger-1',
        organisationId: 'org-b',
        resource: '/audit/export',
        range: { from: 1, to: 2 },
      },
      {
        id: expect.any(Number),
        accessedAt: expect.any(String),
        actor: 'ledger-1',
        organisationId: 'org-b',
        resource: '/audit/export',
        range: { from: 0, to: 2 },
      },
    ]);
    for (const entry of exports) expect(Date.parse(entry.accessedAt as string)).toBeGreaterThanOrEqual(before - 1000);
    expect(await accessLog(await t.token('auditor', 'org-b'), `?personId=${personB}`)).not.toContainEqual(
      expect.objectContaining({ resource: '/audit/export' }),
    );
  });

  test('HEAD on a person is a read like GET: it states a purpose, answers 404 outside the organisation, and is logged', async () => {
    expect((await t.http().head(`/persons/${personA}/events`).set(as(caseworkerA))).status).toBe(400);
    expect((await t.http().head(`/persons/${personA}/personal-data`).set(as(caseworkerA, 'gossip'))).status).toBe(400);
    expect((await t.http().head(`/persons/${personA}/events`).set(as(caseworkerB, 'case_management'))).status).toBe(404);
    expect((await t.http().head(`/persons/${personA}/personal-data`).set(as(caseworkerA, 'safeguarding'))).status).toBe(200);

    const entries = await accessLog(await t.token('auditor', 'org-a'), `?personId=${personA}`);
    expect(entries.at(-1)).toEqual(
      expect.objectContaining({ actor: 'cw-a', personId: personA, resource: '/persons/:personId/personal-data', purpose: 'safeguarding' }),
    );
  });
});
