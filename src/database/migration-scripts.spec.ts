import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';

const REPO = join(__dirname, '..', '..');
// The read models' migrations and, the event log living in the same database here, the event log's.
const MIGRATIONS = ['migrations', join('migrations', 'event-log')]
  .map((folder) => readdirSync(join(__dirname, folder)).filter((file) => /^\d+-\w+\.ts$/.test(file)).length)
  .reduce((sum, count) => sum + count);

/** `npm run migration:*`, as an operator runs them, on a database of their own. */
describe('TypeORM migration scripts', () => {
  let database: TestDatabase;
  beforeAll(async () => (database = await createTestDatabase()));
  afterAll(() => database.drop());

  const npm = (script: string, ...args: string[]) =>
    promisify(execFile)('npm', ['run', '-s', script, ...(args.length ? ['--', ...args] : [])], {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'error' },
      timeout: 120_000,
    });
  const applied = async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      return Number((await client.query('SELECT count(*) AS n FROM schema_migrations')).rows[0].n);
    } finally {
      await client.end();
    }
  };

  test('migration:run applies every migration, migration:revert the last one back, migration:generate finds nothing to add', async () => {
    await npm('migration:run');
    expect(await applied()).toBe(MIGRATIONS);
    await npm('migration:revert');
    expect(await applied()).toBe(MIGRATIONS - 1);
    await npm('migration:run');
    expect(await applied()).toBe(MIGRATIONS);
    // The schema is written as SQL migrations, not derived from entities: there is never anything to generate.
    const generated = await npm('migration:generate', join(REPO, 'dist', 'unused-migration')).catch((error: { stdout: string }) => error);
    expect(generated.stdout).toMatch(/No changes in database schema were found/);
  }, 240_000);
});
