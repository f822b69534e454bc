import { Client } from 'pg';
import { createTestDatabase } from './database';

test('the test database is a real PostgreSQL', async () => {
  const db = await createTestDatabase();
  const client = new Client({ connectionString: db.url });
  await client.connect();
  const { rows } = await client.query('SELECT version()');
  await client.end();
  await db.drop();
  expect(rows[0].version).toMatch(/^PostgreSQL \d+/);
});
