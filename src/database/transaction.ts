import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on a connection of the pool: committed when it returns, rolled back when it
 * throws (its error is what the caller sees). A connection whose rollback fails too is closed, not pooled again.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw error;
  } finally {
    client.release(broken);
  }
}
