import { createDataSource } from '../database/data-source';
import { openEventStore, type EventLogLocation } from '../event-store/open-event-store';
import type { ProjectionDependencies } from './projections.cli';

/** The projection commands' dependencies: the configured event store, and the read models' (migrated) database. */
export async function openProjectionDependencies(databaseUrl: string, eventLog: EventLogLocation): Promise<ProjectionDependencies> {
  const store = openEventStore(eventLog);
  const dataSource = createDataSource(databaseUrl);
  await dataSource.initialize();
  return {
    store,
    dataSource,
    async close() {
      await store.close();
      await dataSource.destroy();
    },
  };
}
