import { join, resolve } from 'node:path';
import { Client } from 'pg';
import type { Configuration } from '../config/configuration';
import { migrateWithEventLog } from './data-source';
import type * as EmbeddedPostgres from './embedded-postgres';

export interface Database {
  /** The read models' database (and the Merkle log's, the keys', the access log's). */
  url: string;
  /**
   * The PostgreSQL event log's database: `url` itself by default, another one with EVENT_STORE_URL or
   * JOURNEY_EVENT_STORE_DATABASE, none when the log is in EventStoreDB.
   */
  eventLogUrl: string | undefined;
  /** Stops the embedded server; a no-op for an external DATABASE_URL. */
  stop(): Promise<void>;
}

/**
 * The databases every entry point (server, CLI, bench) works on: DATABASE_URL when set, otherwise the embedded
 * PostgreSQL whose data lives in JOURNEY_DATA_DIR; the event log beside it or where the configuration places it.
 * The schema is brought up to date before use, unless `migrate` is false (TypeORM's own migration commands, which
 * do it themselves).
 */
export async function openDatabase(config: Configuration, options: { migrate?: boolean } = {}): Promise<Database> {
  const server = config.DATABASE_URL ? { url: config.DATABASE_URL, stop: async () => undefined } : await startEmbedded(config);
  try {
    const database = { ...server, eventLogUrl: await eventLogUrl(config, server.url) };
    if (options.migrate ?? true) await migrateWithEventLog(database.url, database.eventLogUrl);
    return database;
  } catch (error) {
    await server.stop();
    throw error;
  }
}

async function eventLogUrl(config: Configuration, url: string): Promise<string | undefined> {
  if (config.EVENTSTORE_CONNECTION_STRING) return undefined;
  if (config.EVENT_STORE_URL) return config.EVENT_STORE_URL;
  if (config.JOURNEY_EVENT_STORE_DATABASE) return databaseOnServer(url, config.JOURNEY_EVENT_STORE_DATABASE);
  return url;
}

/** Another database on the server of `url`, made if it is not there yet; its URL. */
async function databaseOnServer(url: string, name: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    // The name was validated as a plain identifier (configuration.ts), so it can stand in the statement.
    if (rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const other = new URL(url);
  other.pathname = `/${name}`;
  return other.toString();
}

function startEmbedded(config: Configuration): Promise<{ url: string; stop(): Promise<void> }> {
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
