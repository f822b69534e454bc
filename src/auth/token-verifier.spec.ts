import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfiguration } from '../config/configuration';
import { tokenVerifierFor } from './configured-token-verifier';
import type { TokenVerifier } from './token-verifier';

/** The production mode: tokens of an OIDC issuer, its keys fetched from a real JWKS endpoint on this machine. */
describe('OIDC tokens', () => {
  const issuer = 'https://id.example.org/realms/journeys';
  let server: Server;
  let privateKey: CryptoKey;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] });
    server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
    verifier = await tokenVerifierFor(
      loadConfiguration({ JOURNEY_OIDC_ISSUER: issuer, JOURNEY_OIDC_JWKS_URL: jwksUrl, JOURNEY_OIDC_AUDIENCE: 'journey-ledger' }),
    );
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const token = (claims: { aud?: string; exp?: boolean }) => {
    const jwt = new SignJWT({ org: 'org-a', roles: ['caseworker'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('kc-user-1')
      .setIssuer(issuer)
      .setIssuedAt();
    if (claims.aud) jwt.setAudience(claims.aud);
    if (claims.exp ?? true) jwt.setExpirationTime('5m');
    return jwt.sign(privateKey);
  };

  test('a token issued for this service, with an expiry, is accepted', async () => {
    await expect(verifier.verify(await token({ aud: 'journey-ledger' }))).resolves.toEqual({ sub: 'kc-user-1', org: 'org-a', roles: ['caseworker'] });
  });

  test('a token for another service, or for none, is refused', async () => {
    await expect(verifier.verify(await token({ aud: 'another-service' }))).rejects.toThrow(/token rejected/);
    await expect(verifier.verify(await token({}))).rejects.toThrow(/token rejected/);
  });

  test('a token without exp is refused', async () => {
    await expect(verifier.verify(await token({ aud: 'journey-ledger', exp: false }))).rejects.toThrow(/token rejected/);
  });
});
