import type { EventStore } from './event-store';
import type * as EventStoreDb from './eventstoredb-event-store';
import { PostgresEventStore } from './postgres-event-store';

/** Where the event log lives: EventStoreDB, or a PostgreSQL database (see Database.eventLogUrl). */
export interface EventLogLocation {
  /** EVENTSTORE_CONNECTION_STRING, when the log is in EventStoreDB. */
  eventStoreDb?: string;
  /** Otherwise the PostgreSQL event log's database. */
  eventLogUrl?: string;
  /** Connections of the PostgreSQL store's own pool. */
  poolSize: number;
}

/**
 * The one place an adapter is chosen: the server, the CLI commands and the benchmarks all open the event store
 * here, so none of them can write to, or read from, another log than the configured one. close() ends whatever
 * the store opened (its pool, its client).
 */
export function openEventStore(location: EventLogLocation): EventStore {
  if (location.eventStoreDb) {
    // Loaded only when configured: its gRPC client takes a sixth of a second to load, which every CLI command and
    // start on PostgreSQL would otherwise pay.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- so, not an import
    const { EventStoreDbEventStore } = require('./eventstoredb-event-store') as typeof EventStoreDb;
    return new EventStoreDbEventStore(location.eventStoreDb);
  }
  if (!location.eventLogUrl) throw new Error('No event log configured: neither EVENTSTORE_CONNECTION_STRING nor a PostgreSQL database');
  return new PostgresEventStore(location.eventLogUrl, { poolSize: location.poolSize });
}
