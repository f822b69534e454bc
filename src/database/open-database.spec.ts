import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, tablesOf, type TestDatabase } from '../../test/support/database';
import { loadConfiguration } from '../config/configuration';
import { openDatabase } from './open-database';

/** openDatabase places the event log as configured, and migrates each database with its own schema only. */
describe('openDatabase', () => {
  let database: TestDatabase;
  const eventLogName = `test_${randomBytes(6).toString('hex')}_events`;

  beforeAll(async () => (database = await createTestDatabase()));
  afterAll(async () => {
    await database.drop();
    const admin = new Client({ connectionString: process.env.JOURNEY_TEST_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${eventLogName} WITH (FORCE)`);
    await admin.end();
  });

  test('JOURNEY_EVENT_STORE_DATABASE makes a database of its own on the same server for the event log, once', async () => {
    const config = loadConfiguration({ DATABASE_URL: database.url, JOURNEY_EVENT_STORE_DATABASE: eventLogName });
    const opened = await openDatabase(config);
    expect(opened.url).toBe(database.url);
    expect(new URL(opened.eventLogUrl!).pathname).toBe(`/${eventLogName}`);
    expect(await tablesOf(opened.eventLogUrl!)).toEqual(['event_log_head', 'events', 'schema_migrations']);
    const readModels = await tablesOf(opened.url);
    expect(readModels).toEqual(expect.arrayContaining(['current_status', 'merkle_log_head']));
    expect(readModels).not.toContain('events');
    // A second start finds both databases as they are.
    expect((await openDatabase(config)).eventLogUrl).toBe(opened.eventLogUrl);
  });

  test('with EventStoreDB there is no PostgreSQL event log at all', async () => {
    const other = await createTestDatabase();
    try {
      const opened = await openDatabase(loadConfiguration({ DATABASE_URL: other.url, EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' }));
      expect(opened.eventLogUrl).toBeUndefined();
      expect(await tablesOf(other.url)).not.toContain('events');
    } finally {
      await other.drop();
    }
  });
});
