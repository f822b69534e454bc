import { join } from 'node:path';
import { DataSource } from 'typeorm';

/**
 * TypeORM owns the schema: every table (event log, read models, audit) is created by the migrations checked in
 * under ./migrations, never by `synchronize`. The event store itself talks to PostgreSQL through `pg` directly.
 */
export function createDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: [join(__dirname, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'schema_migrations',
    logging: false,
  });
}

/** Brings the database's schema up to date; safe to call on every start. */
export async function migrate(url: string): Promise<void> {
  const dataSource = createDataSource(url);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}
