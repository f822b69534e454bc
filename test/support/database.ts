import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { migrateWithEventLog } from '../../src/database/data-source';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.JOURNEY_TEST_ADMIN_URL;
  if (!url) throw new Error('JOURNEY_TEST_ADMIN_URL is not set: run the tests through jest (npm test), whose global setup starts PostgreSQL');
  return url;
}

/** A fresh, empty database on the test server, so test files never see each other's events. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: adminUrl() });
      await client.connect();
      // pg's Pool.end() resolves before its connections have closed; forcing the drop at once would cut them, and a
      // pool without an 'error' listener would take the test process down. So let them close first, and force only
      // what is still open after a while (a leak, which then fails loudly).
      for (let waited = 0; waited < 5000; waited += 50) {
        const [{ open }] = (await client.query<{ open: number }>('SELECT count(*)::int AS open FROM pg_stat_activity WHERE datname = $1', [name])).rows;
        if (open === 0) break;
        await sleep(50);
      }
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * JOURNEY_TEST_EVENT_LOG=apart runs the suite with each app's event log in a database of its own, as
 * EVENT_STORE_URL lays it out: whatever reads or writes events around the event-store port then finds no table.
 */
export function eventLogApart(): boolean {
  return process.env.JOURNEY_TEST_EVENT_LOG === 'apart';
}

/** A migrated read models' database and the event log's: one database, or two when the suite runs with the log apart. */
export interface TestDatabases {
  url: string;
  eventLogUrl: string;
  /** The settings that point the app or the CLI at them (DATABASE_URL, and EVENT_STORE_URL when apart). */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createTestDatabases(): Promise<TestDatabases> {
  const readModels = await createTestDatabase();
  const eventLog = eventLogApart() ? await createTestDatabase() : readModels;
  await migrateWithEventLog(readModels.url, eventLog.url);
  return {
    url: readModels.url,
    eventLogUrl: eventLog.url,
    env: { DATABASE_URL: readModels.url, ...(eventLog !== readModels && { EVENT_STORE_URL: eventLog.url }) },
    async drop() {
      await readModels.drop();
      if (eventLog !== readModels) await eventLog.drop();
    },
  };
}

/** The names of a database's tables, sorted: to see which schema went where. */
export async function tablesOf(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`);
    return rows.map((row) => row.name).sort();
  } finally {
    await client.end();
  }
}
