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

/** Brings the schema up to date where one database holds everything (the default layout); safe on every start. */
export function migrate(url: string): Promise<void> {
  return runMigrations(createDataSource(url, { eventLog: true }));
}

/**
 * The same for any layout: the event log in the read models' database (`eventLogUrl` equal to `url`), in one of its
 * own, or in EventStoreDB (undefined), where there is nothing to migrate.
 */
export async function migrateWithEventLog(url: string, eventLogUrl: string | undefined): Promise<void> {
  if (eventLogUrl === url) return migrate(url);
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
