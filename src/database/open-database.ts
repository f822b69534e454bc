import { join, resolve } from 'node:path';
import type { Configuration } from '../config/configuration';
import { migrate } from './data-source';
import type * as EmbeddedPostgres from './embedded-postgres';

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
  const database: Database = config.DATABASE_URL ? { url: config.DATABASE_URL, stop: async () => undefined } : await startEmbedded(config);
  try {
    if (options.migrate ?? true) await migrate(database.url);
  } catch (error) {
    await database.stop();
    throw error;
  }
  return database;
}

function startEmbedded(config: Configuration): Promise<Database> {
  // Loaded only when needed: the package is ESM, and test runs (DATABASE_URL set by their set-up) never need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- so, not an import
  const { startEmbeddedPostgres } = require('./embedded-postgres') as typeof EmbeddedPostgres;
  return startEmbeddedPostgres({
    dataDir: join(resolve(config.JOURNEY_DATA_DIR), 'pg'),
    port: config.JOURNEY_PG_PORT,
    database: 'journey_ledger',
    durable: true,
  });
}
