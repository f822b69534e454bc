import { createRemoteJWKSet, jwtVerify, type CryptoKey, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { KeyObject } from 'node:crypto';
import { isPlainString } from '../journey/event-data/characters';
import { ROLES, type Actor, type Role } from './actor';

export const LOCAL_ISSUER = 'journey-ledger-local';

export class InvalidTokenError extends Error {}

/** Verifies bearer tokens: from an OIDC issuer's JWKS in production, or the local signing key of the embedded default. */
export class TokenVerifier {
  private constructor(
    private readonly key: CryptoKey | KeyObject | JWTVerifyGetKey,
    private readonly issuer: string,
    private readonly audience: string | undefined,
  ) {}

  /** The issuer's tokens are accepted only when issued for this service (`aud`): a token for another service is refused. */
  static forOidcIssuer(issuer: string, jwksUrl: string, audience: string): TokenVerifier {
    return new TokenVerifier(createRemoteJWKSet(new URL(jwksUrl)), issuer, audience);
  }

  static forLocalKey(publicKey: CryptoKey | KeyObject): TokenVerifier {
    return new TokenVerifier(publicKey, LOCAL_ISSUER, undefined);
  }

  async verify(token: string): Promise<Actor> {
    let payload: JWTPayload;
    try {
      // A token without `exp` would never expire: refused, whoever signed it.
      const options = { issuer: this.issuer, audience: this.audience, algorithms: ['EdDSA', 'RS256', 'ES256', 'PS256'], requiredClaims: ['exp'] };
      ({ payload } = typeof this.key === 'function' ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options));
    } catch (error) {
      throw new InvalidTokenError(`token rejected: ${(error as { code?: string }).code ?? 'invalid'}`);
    }
    return actorFromClaims(payload);
  }
}

function actorFromClaims(payload: JWTPayload): Actor {
  const { sub, org, roles } = payload as JWTPayload & { org?: unknown; roles?: unknown };
  // Claims are written into events' metadata and the access log: control characters have no place there.
  if (!isPlainString(sub) || sub === '') throw new InvalidTokenError('token has no valid sub');
  if (!isPlainString(org) || org === '') throw new InvalidTokenError('token has no valid org');
  const known = Array.isArray(roles) ? roles.filter((role): role is Role => (ROLES as readonly unknown[]).includes(role)) : [];
  return { sub, org, roles: known };
}
