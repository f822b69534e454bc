import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { freePort } from './free-port';

/** What the server process tells the run that started it, once PostgreSQL answers. */
export interface EmbeddedTestServerStarted {
  url: string;
  dataDir: string;
}

/**
 * The test run's embedded PostgreSQL, in a process of its own, started by the global set-up from the built code
 * (`dist/test/support/embedded-test-server.js`). Jest compiles the ES-module-only `embedded-postgres` to CommonJS
 * for test files, and the set-up, which runs under that same transform, cannot load it (the package says
 * `"type": "module"`); Node loads the untouched package here, as it does for the app.
 * The server lives until the channel to its parent closes (the run's teardown, or the end of the Jest process,
 * however it ends); then it is stopped and its folder removed.
 */
async function main(): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'journey-ledger-test-'));
  await chmod(folder, 0o755); // as root, PostgreSQL runs as user `postgres`, who must reach the data folder
  const dataDir = join(folder, 'pg');
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres', durable: false });
  process.once('disconnect', () => {
    void server
      .stop()
      .then(() => rm(folder, { recursive: true, force: true }))
      .finally(() => process.exit(0));
  });
  const started: EmbeddedTestServerStarted = { url: server.url, dataDir };
  process.send?.(started);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
