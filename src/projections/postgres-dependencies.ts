import { createDataSource } from '../database/data-source';
import { resilientPool } from '../database/pool';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import type { ProjectionDependencies } from './projections.cli';

/** The projection commands' dependencies on one PostgreSQL database (already migrated). */
export async function postgresProjectionDependencies(databaseUrl: string): Promise<ProjectionDependencies> {
  const pool = resilientPool(databaseUrl, 4);
  const store = new PostgresEventStore(pool);
  const dataSource = createDataSource(databaseUrl);
  await dataSource.initialize();
  return {
    store,
    dataSource,
    logTable: true,
    async close() {
      await store.close();
      await dataSource.destroy();
      await pool.end();
    },
  };
}
