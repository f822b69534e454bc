import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { inTransaction } from './transaction';

let database: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new Pool({ connectionString: database.url, max: 2 });
  await pool.query('CREATE TABLE notes (text text NOT NULL)');
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

const notes = async () => (await pool.query('SELECT text FROM notes ORDER BY text')).rows.map(({ text }) => text);

test('commits what the work wrote when it returns, and hands back its result', async () => {
  const result = await inTransaction(pool, async (client) => {
    await client.query("INSERT INTO notes VALUES ('a'), ('b')");
    return 'done';
  });
  expect(result).toBe('done');
  expect(await notes()).toEqual(['a', 'b']);
});

test('rolls back everything the work wrote when it throws, and rethrows its error', async () => {
  const failure = inTransaction(pool, async (client) => {
    await client.query("INSERT INTO notes VALUES ('c')");
    throw new Error('the work failed');
  });
  await expect(failure).rejects.toThrow('the work failed');
  // A failed statement too: its error, not the rollback's, reaches the caller.
  await expect(inTransaction(pool, (client) => client.query('INSERT INTO notes VALUES (NULL)'))).rejects.toThrow(/not-null/);
  expect(await notes()).toEqual(['a', 'b']);
  // Every connection went back to the pool, out of any transaction.
  expect(pool.idleCount).toBe(pool.totalCount);
  expect((await pool.query('SELECT now() = statement_timestamp() AS outside')).rows[0].outside).toBe(true);
});
