import { exportPKCS8, generateKeyPair, importPKCS8, SignJWT, type CryptoKey } from 'jose';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Role } from './actor';
import { LOCAL_ISSUER } from './token-verifier';

/** Lifetimes of locally minted tokens, in seconds: short, since a leaked token works until it expires. */
export const TOKEN_TTL = { default: 3600, max: 12 * 3600 } as const;

/**
 * The embedded default's token signing key (Ed25519), made on first use under the data folder, readable by its
 * owner only. Production verifies tokens from an OIDC issuer instead and never needs it.
 */
export class LocalSigningKey {
  private constructor(
    readonly privateKey: CryptoKey,
    readonly publicKey: KeyObject,
  ) {}

  static async loadOrCreate(dataDir: string): Promise<LocalSigningKey> {
    const path = join(dataDir, 'keys', 'token-signing-key.pem');
    let pem: string;
    try {
      pem = await readFile(path, 'utf8');
    } catch {
      const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      pem = await exportPKCS8(privateKey);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFile(path, pem, { mode: 0o600, flag: 'wx' }).catch(async () => {
        pem = await readFile(path, 'utf8'); // another process made it first
      });
    }
    // Signing needs no export: the key in memory stays non-extractable.
    const privateKey = await importPKCS8(pem, 'EdDSA');
    return new LocalSigningKey(privateKey, createPublicKey(pem));
  }

  mint(claims: { sub: string; org: string; roles: Role[] }, ttlSeconds: number = TOKEN_TTL.default): Promise<string> {
    if (!(ttlSeconds > 0 && ttlSeconds <= TOKEN_TTL.max)) throw new RangeError(`a token lives at most ${TOKEN_TTL.max} seconds`);
    return new SignJWT({ org: claims.org, roles: claims.roles })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject(claims.sub)
      .setIssuer(LOCAL_ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.privateKey);
  }
}
