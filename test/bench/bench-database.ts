import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../src/database/data-source';
import { ensureDatabase, startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { freePort } from '../support/free-port';

export interface BenchDatabase {
  /** A fresh database per workload, so each starts from an empty log. */
  fresh(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Benchmarks run on a durable server (fsync on, as in production): the embedded one in a temporary folder, or
 * DATABASE_URL's. Raw PostgreSQL limits are measured on the same server, so every figure is also a ratio.
 */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  if (process.env.DATABASE_URL) {
    const admin = process.env.DATABASE_URL;
    return { fresh: (name) => freshDatabase(admin, name), stop: async () => undefined };
  }
  const folder = await mkdtemp(join(tmpdir(), 'journey-ledger-bench-'));
  await chmod(folder, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: join(folder, 'pg'), port: await freePort(), database: 'postgres', durable: true });
  return {
    fresh: (name) => freshDatabase(server.url, name),
    stop: async () => {
      await server.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const database = `bench_${name}_${Date.now()}`;
  await ensureDatabase(adminUrl, database);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  await migrate(url.toString());
  return url.toString();
}
