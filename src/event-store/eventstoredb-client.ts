/**
 * The one module that imports the EventStoreDB client: the adapter's other modules take what they need from here.
 *
 * `@kurrent/kurrentdb-client` (the same client renamed, 1.x) could replace `@eventstore/db-client` by changing this
 * import. What would change: `EventStoreDBClient` is `KurrentDBClient` (made only from a connection string, as
 * here), its scheme `kurrentdb://`; readStream and readAll answer plain async iterators (no `cancel()`: a read left
 * early ends by `return()`, which itemsOf in eventstoredb-event-store.ts would call instead); readAll takes a `filter`, so
 * the filtered read of $all (a catch-up subscription bounded by the log's end, eventstoredb-subscription.ts)
 * could become one filtered readAll. The error classes, filters, constants and event types keep their names.
 */
import { EventStoreDBClient, START, type Position, type ReadPosition } from '@eventstore/db-client';

export {
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
export type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  AppendResult as ClientAppendResult,
  Filter,
  Position,
  ReadPosition,
  RecordedEvent as ClientRecordedEvent,
  StreamingRead,
} from '@eventstore/db-client';

/** The calls the adapter makes: all a stand-in for the server (test/support/fake-eventstoredb-client.ts) implements. */
export type EventStoreDbClient = Pick<EventStoreDBClient, 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;

/** A client for a connection string such as `esdb://localhost:2113?tls=false` (a cluster: `esdb+discover://…`). */
export function connectToEventStoreDb(connectionString: string): EventStoreDbClient {
  return EventStoreDBClient.connectionString(connectionString);
}

/**
 * The port's position: the commit position, a byte offset in the server's log (a safe number up to 8 PiB). A
 * larger one is refused rather than rounded: a rounded position would resume a subscription at the wrong event.
 */
export function commitPosition({ id, position }: { id: string; position?: Position }): number {
  if (!position) throw new Error(`Event ${id} came without a log position (EventStoreDB 22.10 or later is needed)`);
  return safePosition(position.commit, `Event ${id}`);
}

export function safePosition(commit: bigint, what: string): number {
  const position = Number(commit);
  if (!Number.isSafeInteger(position)) throw new RangeError(`${what}: commit position ${commit} is not a usable position`);
  return position;
}

/**
 * Where in $all a read or subscription starts for the port's exclusive `after`. A read includes the event at that
 * position and a subscription starts after it; callers skip events at or before `after` either way.
 */
export function logPosition(after: number): ReadPosition {
  return after === 0 ? START : { commit: BigInt(after), prepare: BigInt(after) };
}
