import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { migrate } from '../database/data-source';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { openEventStore } from './open-event-store';
import { PostgresEventStore } from './postgres-event-store';

/** The one place an adapter is chosen: EventStoreDB when its connection string is configured, else PostgreSQL. */
describe('openEventStore', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await migrate(database.url);
  });
  afterAll(() => database.drop());

  test('EventStoreDB when EVENTSTORE_CONNECTION_STRING is given, even beside a PostgreSQL event log', async () => {
    // The client connects on its first call, which never comes: choosing and closing the store needs no server.
    const store = openEventStore({ eventStoreDb: 'esdb://localhost:2113?tls=false', eventLogUrl: database.url, poolSize: 2 });
    expect(store).toBeInstanceOf(EventStoreDbEventStore);
    await store.close();
  });

  test('otherwise PostgreSQL at the event log’s database, on a pool of its own that close() ends', async () => {
    const store = openEventStore({ eventLogUrl: database.url, poolSize: 2 });
    expect(store).toBeInstanceOf(PostgresEventStore);
    expect(await store.headPosition()).toBe(0);
    await store.close();
    await expect(store.headPosition()).rejects.toThrow(/pool/i);
  });

  test('neither is an error naming both settings', () => {
    expect(() => openEventStore({ poolSize: 2 })).toThrow(/EVENTSTORE_CONNECTION_STRING/);
  });
});
