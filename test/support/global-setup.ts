import { execFileSync, fork } from 'node:child_process';
import { join } from 'node:path';
import { eventStoreDbSkipReason } from '../contract/eventstoredb-run';
import type { EmbeddedTestServerStarted } from './embedded-test-server';

const ROOT = join(__dirname, '..', '..');

/**
 * One real PostgreSQL for the whole run: the one in DATABASE_URL, or an embedded one started here.
 * Each test file then creates its own database on it (see database.ts).
 */
export default async function globalSetup(): Promise<void> {
  // The tests that run the app as a user does (the README's block, the CLI, TypeORM's scripts) use dist: built once
  // here, so that they never compile it at the same time. The embedded server below runs from it too.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.js'), '--if-changed'], { stdio: 'inherit' });
  const skipped = eventStoreDbSkipReason();
  if (skipped) console.log(`\n[tests] the EventStoreDB contract run is skipped: ${skipped}`);
  if (process.env.DATABASE_URL) {
    process.env.JOURNEY_TEST_ADMIN_URL = process.env.DATABASE_URL;
    console.log(`\n[tests] using the PostgreSQL server in DATABASE_URL`);
    return;
  }
  const server = fork(join(ROOT, 'dist', 'test', 'support', 'embedded-test-server.js'), [], { execArgv: [] });
  const { url, dataDir } = await new Promise<EmbeddedTestServerStarted>((started, failed) => {
    server.once('message', (message) => started(message as EmbeddedTestServerStarted));
    server.once('exit', (code) => failed(new Error(`the embedded PostgreSQL process ended (${code}) before it started`)));
  });
  process.env.JOURNEY_TEST_ADMIN_URL = url;
  (globalThis as { embeddedTestServer?: unknown }).embeddedTestServer = server;
  console.log(`\n[tests] embedded PostgreSQL started in ${dataDir}`);
}
