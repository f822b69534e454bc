import { resolve } from 'node:path';
import type { Configuration } from '../config/configuration';
import { LocalSigningKey } from './local-signing-key';
import { TokenVerifier } from './token-verifier';

/** Production trusts the OIDC issuer; the embedded default trusts its own local key (see `cli token`). */
export async function tokenVerifierFor(config: Configuration): Promise<TokenVerifier> {
  const { JOURNEY_OIDC_ISSUER: issuer, JOURNEY_OIDC_JWKS_URL: jwksUrl, JOURNEY_OIDC_AUDIENCE: audience } = config;
  // loadConfiguration refuses an issuer without the other two.
  if (issuer && jwksUrl && audience) return TokenVerifier.forOidcIssuer(issuer, jwksUrl, audience);
  const key = await LocalSigningKey.loadOrCreate(resolve(config.JOURNEY_DATA_DIR));
  return TokenVerifier.forLocalKey(key.publicKey);
}
