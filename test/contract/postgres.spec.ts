import { Pool } from 'pg';
import { migrate } from '../../src/database/data-source';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { createTestDatabase } from '../support/database';
import { describeEventStoreContract } from './event-store.contract';

describeEventStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  await migrate(database.url);
  // 8 concurrent writers + the subscriber's reads + its listening connection.
  const pool = new Pool({ connectionString: database.url, max: 12 });
  return {
    // A small odd batch size makes every read cross page boundaries.
    open: async () => new PostgresEventStore(pool, { batchSize: 7, pollIntervalMs: 250 }),
    densePositions: true,
    async dispose() {
      await pool.end();
      await database.drop();
    },
  };
});
