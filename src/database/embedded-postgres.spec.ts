import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../test/support/free-port';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres';

/** The embedded PostgreSQL is no open door: its own random password, kept where only this app reads it; loopback only. */
describe('embedded PostgreSQL', () => {
  const LEGACY_PASSWORD = 'journey-ledger-local';
  let folder: string;
  let dataDir: string;
  let passwordFile: string;
  let port: number;
  let server: EmbeddedServer | undefined;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'journey-ledger-pg-'));
    await chmod(folder, 0o755); // as root, PostgreSQL runs as user `postgres`, who must reach the data folder
    dataDir = join(folder, 'pg');
    passwordFile = join(folder, 'pg-password');
    port = await freePort();
  });
  afterAll(async () => {
    await server?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  const start = () => startEmbeddedPostgres({ dataDir, port, database: 'journeys', durable: false });
  const connectAs = async (password: string) => {
    const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
    await client.connect();
    return client;
  };
  const query = async (url: string, sql: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };

  test('a first start makes a random password, kept in a 0600 file beside the cluster; the old constant is refused', async () => {
    server = await start();
    const password = (await readFile(passwordFile, 'utf8')).trim();
    expect(password).toMatch(/^[\w-]{43}$/);
    expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
    expect((await stat(passwordFile)).uid).toBe(process.getuid?.());
    expect(server.url).toContain(`:${password}@127.0.0.1:${port}/journeys`);
    await expect(connectAs(LEGACY_PASSWORD)).rejects.toMatchObject({ code: '28P01' });
    await (await connectAs(password)).end();
  });

  test('it listens on 127.0.0.1 only, with no unix socket', async () => {
    const url = server?.url ?? '';
    expect(await query(url, 'SHOW listen_addresses')).toEqual([{ listen_addresses: '127.0.0.1' }]);
    expect(await query(url, 'SHOW unix_socket_directories')).toEqual([{ unix_socket_directories: '' }]);
  });

  test('the CLI beside a running server shares it, with the password from the file', async () => {
    const beside = await startEmbeddedPostgres({ dataDir, port, database: 'cli_side', durable: false });
    expect(await query(beside.url, 'SELECT current_database() AS name')).toEqual([{ name: 'cli_side' }]);
    await beside.stop(); // a no-op: the server is the other start's
    expect(await query(server?.url ?? '', 'SELECT 1 AS up')).toEqual([{ up: 1 }]);
  });

  test('a later start reads the same password', async () => {
    const before = server?.url;
    await server?.stop();
    server = await start();
    expect(server.url).toBe(before);
    expect(await query(server.url, 'SELECT 1 AS up')).toEqual([{ up: 1 }]);
  });

  test('a cluster made with the old constant password is given its own on its first start after the upgrade', async () => {
    const client = await connectAs((await readFile(passwordFile, 'utf8')).trim());
    await client.query(`ALTER ROLE postgres PASSWORD '${LEGACY_PASSWORD}'`);
    await client.end();
    await server?.stop();
    await unlink(passwordFile);
    server = await start();
    const password = (await readFile(passwordFile, 'utf8')).trim();
    expect(password).toMatch(/^[\w-]{43}$/);
    expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
    await expect(connectAs(LEGACY_PASSWORD)).rejects.toMatchObject({ code: '28P01' });
    expect(await query(server.url, 'SELECT 1 AS up')).toEqual([{ up: 1 }]);
  });

  test('a start stopped between setting the new password and keeping it is completed by the next', async () => {
    const pending = 'A'.repeat(43);
    const client = await connectAs((await readFile(passwordFile, 'utf8')).trim());
    await client.query(`ALTER ROLE postgres PASSWORD '${pending}'`);
    await client.end();
    await server?.stop();
    await unlink(passwordFile);
    await writeFile(`${passwordFile}.pending`, pending, { mode: 0o600 });
    server = await start();
    expect((await readFile(passwordFile, 'utf8')).trim()).toBe(pending);
    expect(await query(server.url, 'SELECT 1 AS up')).toEqual([{ up: 1 }]);
  });

  test('a data folder made by another PostgreSQL major is refused by name, with the way to upgrade it, and left as it is', async () => {
    const older = join(folder, 'pg17');
    await mkdir(older);
    await writeFile(join(older, 'PG_VERSION'), '17\n');
    const attempt = startEmbeddedPostgres({ dataDir: older, port: await freePort(), database: 'journeys', durable: false });
    await expect(attempt).rejects.toThrow(`The embedded PostgreSQL data folder ${older} was made by PostgreSQL 17; this app runs PostgreSQL 18`);
    await expect(attempt).rejects.toThrow(/pg_upgrade.*pg_dump/);
    expect(await readdir(older)).toEqual(['PG_VERSION']);
    expect(await readFile(join(older, 'PG_VERSION'), 'utf8')).toBe('17\n');
    expect(existsSync(join(folder, 'pg17-password'))).toBe(false);
  });
});
