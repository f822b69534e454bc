import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from '../../src/database/data-source';
import type { EventStore, NewEvent } from '../../src/event-store/event-store';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** A fresh migrated database with the event store and a TypeORM DataSource on it, for read model tests. */
export interface ReadModelDatabase {
  url: string;
  pool: Pool;
  store: EventStore;
  dataSource: DataSource;
  close(): Promise<void>;
}

export async function openReadModelDatabase(database?: TestDatabase): Promise<ReadModelDatabase> {
  const db = database ?? (await createTestDatabase());
  await migrate(db.url);
  const pool = new Pool({ connectionString: db.url, max: 10 });
  const store = new PostgresEventStore(pool);
  const dataSource = createDataSource(db.url);
  await dataSource.initialize();
  return {
    url: db.url,
    pool,
    store,
    dataSource,
    async close() {
      await store.close();
      await dataSource.destroy();
      await pool.end();
      await db.drop();
    },
  };
}

/** An event about a person, as the write path would append it. */
export function fact(type: string, data: Record<string, unknown>, occurredAt: string, organisationId = 'org-a', schemaVersion = 1): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion,
    occurredAt,
    data,
    metadata: { actor: 'worker-1', organisationId, correlationId: randomUUID(), causationId: null },
  };
}

/** Every row of a table in a stable order, to compare read models row for row. */
export async function allRows(dataSource: DataSource, table: string, orderBy: string): Promise<unknown[]> {
  return dataSource.query(`SELECT * FROM ${table} ORDER BY ${orderBy}`);
}
