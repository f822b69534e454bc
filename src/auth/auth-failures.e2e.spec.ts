import { SignJWT } from 'jose';
import { startTestApp, type TestApp } from '../../test/support/app';
import { LOCAL_ISSUER } from './token-verifier';

/** Tokens that must not pass, and the failed-authentication limit: who it counts, and whom it never stops. */
describe('authentication limits', () => {
  const bad = (i: number) => ({ authorization: `Bearer forged.${i}.token` });
  const valid = async (t: TestApp) => ({ authorization: `Bearer ${await t.token('caseworker', 'org-a')}` });

  describe('with the default settings', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ JOURNEY_AUTH_FAILURES_PER_MINUTE: '3' });
    });
    afterAll(() => t.close());

    test('a token signed by the trusted key but without exp is refused', async () => {
      const everlasting = await new SignJWT({ org: 'org-a', roles: ['caseworker'] })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setSubject('user-caseworker')
        .setIssuer(LOCAL_ISSUER)
        .setIssuedAt()
        .sign(t.signingKey.privateKey);
      const answer = await t
        .http()
        .get('/caseload')
        .set({ authorization: `Bearer ${everlasting}` });
      expect(answer.status).toBe(401);
      const manager = await t.token('programme_manager', 'org-a');
      expect(
        (
          await t
            .http()
            .get('/caseload')
            .set({ authorization: `Bearer ${manager}` })
        ).status,
      ).toBe(200);
    });

    test('over the limit, failing requests answer 429 while a valid token still passes', async () => {
      // The test before made one failure from this address; two more reach the limit of three.
      for (let i = 0; i < 2; i++) expect((await t.http().post('/persons').set(bad(i)).send({})).status).toBe(401);
      const refused = await t.http().post('/persons').set(bad(9)).send({});
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await t.http().post('/persons').send({})).status).toBe(429);
      const person = await t
        .http()
        .post('/persons')
        .set(await valid(t))
        .send({ gender: 'female', citizenship: 'MD', occurredAt: '2024-02' });
      expect(person.status).toBe(201);
      expect((await t.http().post('/persons').set(bad(10)).send({})).status).toBe(429);
    });

    test('without JOURNEY_TRUST_PROXY, X-Forwarded-For is ignored: a spoofed address does not escape the limit', async () => {
      const spoofed = (i: number) => ({ ...bad(i), 'x-forwarded-for': `203.0.113.${i}` });
      for (let i = 0; i < 5; i++) expect((await t.http().post('/persons').set(spoofed(i)).send({})).status).toBe(429);
    });
  });

  test('with JOURNEY_TRUST_PROXY=loopback, X-Forwarded-For names the client: each address has its own budget', async () => {
    const t = await startTestApp({ JOURNEY_AUTH_FAILURES_PER_MINUTE: '3', JOURNEY_TRUST_PROXY: 'loopback' });
    try {
      const from = (address: string, i: number) => ({ ...bad(i), 'x-forwarded-for': address });
      for (let i = 0; i < 3; i++) expect((await t.http().post('/persons').set(from('203.0.113.1', i)).send({})).status).toBe(401);
      expect((await t.http().post('/persons').set(from('203.0.113.1', 3)).send({})).status).toBe(429);
      expect((await t.http().post('/persons').set(from('203.0.113.2', 4)).send({})).status).toBe(401);
      // The proxy appends the address it saw; entries the client wrote in front of it change nothing.
      expect((await t.http().post('/persons').set(from('198.51.100.7, 203.0.113.2', 5)).send({})).status).toBe(401);
      expect((await t.http().post('/persons').set(from('198.51.100.8, 203.0.113.2', 6)).send({})).status).toBe(401);
      expect((await t.http().post('/persons').set(from('198.51.100.9, 203.0.113.2', 7)).send({})).status).toBe(429);
    } finally {
      await t.close();
    }
  });
});
