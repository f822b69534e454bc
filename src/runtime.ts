import { join, resolve } from 'node:path';
import { LocalSigningKey } from './auth/local-signing-key';
import { TokenVerifier } from './auth/token-verifier';
import type { Configuration } from './config/configuration';
import { migrate } from './database/data-source';
import type * as EmbeddedPostgres from './database/embedded-postgres';

export interface Database {
  url: string;
  /** Stops the embedded server; a no-op for an external DATABASE_URL. */
  stop(): Promise<void>;
}

/**
 * The database every entry point (server, CLI, bench) works on: DATABASE_URL when set, otherwise the embedded
 * PostgreSQL whose data lives in JOURNEY_DATA_DIR. Its schema is brought up to date before use, unless `migrate` is
 * false (TypeORM's own migration commands, which do it themselves).
 */
export async function openDatabase(config: Configuration, options: { migrate?: boolean } = {}): Promise<Database> {
  // Loaded only when needed: the package is ESM, and test runs (DATABASE_URL set by their set-up) never need it.
  const database: Database = config.DATABASE_URL
    ? { url: config.DATABASE_URL, stop: async () => undefined }
    : await (require('./database/embedded-postgres') as typeof EmbeddedPostgres).startEmbeddedPostgres({
        dataDir: join(resolve(config.JOURNEY_DATA_DIR), 'pg'),
        port: config.JOURNEY_PG_PORT,
        database: 'journey_ledger',
        durable: true,
      });
  try {
    if (options.migrate ?? true) await migrate(database.url);
  } catch (error) {
    await database.stop();
    throw error;
  }
  return database;
}

/** Production trusts the OIDC issuer; the embedded default trusts its own local key (see `cli token`). */
export async function tokenVerifierFor(config: Configuration): Promise<TokenVerifier> {
  const { JOURNEY_OIDC_ISSUER: issuer, JOURNEY_OIDC_JWKS_URL: jwksUrl, JOURNEY_OIDC_AUDIENCE: audience } = config;
  // loadConfiguration refuses an issuer without the other two.
  if (issuer && jwksUrl && audience) return TokenVerifier.forOidcIssuer(issuer, jwksUrl, audience);
  const key = await LocalSigningKey.loadOrCreate(resolve(config.JOURNEY_DATA_DIR));
  return TokenVerifier.forLocalKey(key.publicKey);
}
