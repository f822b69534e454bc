import { join } from 'node:path';
import { DataSource } from 'typeorm';

/**
 * TypeORM owns the schema: every table is created by the migrations checked in under ./migrations, never by
 * `synchronize`. The PostgreSQL event log's own (./migrations/event-log) go to the database that holds the event
 * log, which is the read models' by default, another one when the event store lives apart (EVENT_STORE_URL), and
 * none on EventStoreDB. The event store itself talks to PostgreSQL through `pg` directly.
 */
export function createDataSource(url: string, options: { eventLog?: boolean; readModels?: boolean } = {}): DataSource {
  const folders = [...((options.eventLog ?? false) ? ['event-log'] : []), ...((options.readModels ?? true) ? ['.'] : [])];
  return new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: folders.map((folder) => join(__dirname, 'migrations', folder, '*.{ts,js}')),
    migrationsTableName: 'schema_migrations',
    logging: false,
  });
}

/**
 * Brings the schema up to date; safe to call on every start. `eventLogUrl` is the PostgreSQL event log's database:
 * the same as `url` by default, undefined when the events are kept elsewhere (EventStoreDB).
 */
export async function migrate(url: string, eventLogUrl: string | undefined = url): Promise<void> {
  if (eventLogUrl === url) return runMigrations(createDataSource(url, { eventLog: true }));
  if (eventLogUrl !== undefined) await runMigrations(createDataSource(eventLogUrl, { eventLog: true, readModels: false }));
  await runMigrations(createDataSource(url));
}

async function runMigrations(dataSource: DataSource): Promise<void> {
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}
