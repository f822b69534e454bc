import 'reflect-metadata';
import { loadConfiguration, loadDotEnv } from '../config/configuration';
import { openDatabase } from './open-database';
import { createDataSource } from './data-source';

/**
 * The database TypeORM's CLI works on (`npm run migration:run`, `migration:revert`, `migration:generate`): DATABASE_URL's,
 * or the embedded one, started as `npm start` starts it; with the event log's migrations when the log lives there
 * (an event log of its own is migrated by every start). The CLI destroys the data source when it is done; the
 * embedded server is stopped with it, so the command ends instead of leaving a server behind.
 */
loadDotEnv();
export const dataSource = openDatabase(loadConfiguration(), { migrate: false }).then((database) => {
  const source = createDataSource(database.url, { eventLog: database.eventLogUrl === database.url });
  const destroy = source.destroy.bind(source);
  source.destroy = async () => {
    await destroy();
    await database.stop();
  };
  return source;
});
