import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { eventStoreDbSkipReason } from '../contract/eventstoredb-run';
import { freePort } from './free-port';

/**
 * One real PostgreSQL for the whole run: the one in DATABASE_URL, or an embedded one started here.
 * Each test file then creates its own database on it (see database.ts).
 */
export default async function globalSetup(): Promise<void> {
  // The tests that run the app as a user does (the README's block, the CLI, TypeORM's scripts) use dist: built once
  // here, so that they never compile it at the same time.
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'build.js'), '--if-changed'], { stdio: 'inherit' });
  const skipped = eventStoreDbSkipReason();
  if (skipped) console.log(`\n[tests] the EventStoreDB contract run is skipped: ${skipped}`);
  if (process.env.DATABASE_URL) {
    process.env.JOURNEY_TEST_ADMIN_URL = process.env.DATABASE_URL;
    console.log(`\n[tests] using the PostgreSQL server in DATABASE_URL`);
    return;
  }
  const folder = await mkdtemp(join(tmpdir(), 'journey-ledger-test-'));
  await chmod(folder, 0o755); // as root, PostgreSQL runs as user `postgres`, who must reach the data folder
  const dataDir = join(folder, 'pg');
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres', durable: false });
  process.env.JOURNEY_TEST_ADMIN_URL = server.url;
  (globalThis as { embeddedTestServer?: unknown }).embeddedTestServer = { stop: () => server.stop(), folder };
  console.log(`\n[tests] embedded PostgreSQL started in ${dataDir}`);
}
