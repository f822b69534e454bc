import {
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  commitPosition,
  connectToEventStoreDb,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  logPosition,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type ClientAppendResult,
  type ClientRecordedEvent,
  type EventStoreDbClient,
  type Filter,
  type StreamingRead,
} from './eventstoredb-client';
import { NEW_STREAM_HEAD, canonicalBytes, sealEvents, type SealedEvent, type StreamHead } from '../integrity/canonical';
import { checkAppends } from './append-checks';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type AllFilter,
  type AllSubscription,
  type AppendResult,
  type CanonicalEvent,
  type CanonicalLogOptions,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type LogRange,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type Subscription,
} from './event-store';
import { DEFAULT_RETRIES, resumed, retried, type Retries } from './eventstoredb-retry';
import { EventStoreDbSubscription, type FollowOptions } from './eventstoredb-subscription';
import { priorAppend, unmetExpectation } from './expected-revision';

/** An event's EventStoreDB metadata: the port's metadata and the envelope fields the hash chain covers. */
interface StoredMetadata extends EventMetadata {
  schemaVersion: number;
  occurredAt: string;
  recordedAt: string;
  prevEventHash: string;
  eventHash: string;
}

/**
 * The event store on EventStoreDB through `@eventstore/db-client` (server 22.10 or later: stream reads must report
 * log positions; docker-compose.yml runs 24.10). Each port event is one JSON event in the stream the caller names:
 * its data is the event's data, its metadata the port's metadata plus the envelope fields the hash chain covers
 * (schemaVersion, occurredAt, recordedAt, prevEventHash, eventHash). streamRevision is EventStoreDB's revision;
 * position is the event's commit position in $all: increasing in commit order, not dense (every event of an
 * append is its own committed record, so each has its own position). Reads rebuild events and verify nothing:
 * the verifier does that, the same way for both adapters.
 *
 * Where it differs from the PostgreSQL adapter (the contract suite's capability flags):
 * - Appends read the stream first (the head to chain onto, and whether the events are a retry), seal them, then
 *   append with that head's revision as EventStoreDB's expected revision: a compare-and-swap, so a stream's chain
 *   never forks. When another writer moved the head in between, the append reads again: `any`/`stream_exists`
 *   then chain onto the new head; a revision or `no_stream` is a conflict (or, if the events are now there, a retry).
 * - Idempotence: the same events again (ids in order, where the expectation puts them; for `any`/`stream_exists`
 *   anywhere in the stream) answer the first append's result and write nothing. To see that, an `any` or
 *   `stream_exists` append reads the stream backwards until it meets the first id, so its cost grows with the
 *   stream (journeys are short; the API and the import append with a revision or `no_stream`).
 * - Event ids are not unique across the log (uniqueEventIds: false): EventStoreDB keeps no index by id, so an id
 *   already used in another stream is written again rather than refused; DuplicateEventIdError is only thrown for
 *   an id the append's own reads saw elsewhere in the stream, or given twice in one call. Ids are stored lowercase.
 * - appendMany appends stream after stream, each append atomic, and stops at the first failure: the streams
 *   before it stay written (EventStoreDB has no transaction across streams). Calling it again with the same
 *   appends completes it once the failure is gone, since each stream's part already written is then a retry.
 * - A filtered readAll is filtered by the server: the v6 client's readAll takes no filter, so it is a catch-up
 *   subscription with the filter, ended at the log's last position as it was when the read began (once the server
 *   sends an event or a checkpoint past it, or says it has caught up). An unfiltered readAll reads $all. The server
 *   narrows by one criterion (stream prefix, else event-type prefixes); the exact filter is applied again here.
 *   No read returns system events (streams or types starting with `$`).
 * - Transient failures (eventstoredb-retry.ts: the node unreachable or restarting, a leader change, a timeout) are
 *   retried: a read resumes after the last item it delivered, an append is made again from its reads, which see
 *   whether the first try landed (then it is a retry, answered as such), and a subscription reconnects after the
 *   last position it delivered, for as long as it is open. Other errors reach the caller.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDbClient;
  /** The store made the client from a connection string, so close() disposes it. */
  private readonly ownsClient: boolean;
  private readonly subscriptions = new Set<Subscription<unknown>>();

  /** Takes a client (its owner disposes it) or a connection string such as `esdb://localhost:2113?tls=false`. */
  constructor(
    connection: EventStoreDbClient | string,
    private readonly retries: Retries = DEFAULT_RETRIES,
  ) {
    this.ownsClient = typeof connection === 'string';
    this.client = typeof connection === 'string' ? connectToEventStoreDb(connection) : connection;
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    checkAppends([{ streamId, events, expected }]);
    return this.appendChecked(streamId, events.map(withStoredId), expected);
  }

  /** One stream after another, each atomic; not all-or-nothing across streams (see the class comment). */
  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    checkAppends(appends);
    const results: AppendResult[] = [];
    for (const { streamId, events, expected } of appends) {
      results.push(await this.appendChecked(streamId, events.map(withStoredId), expected));
    }
    return results;
  }

  /** Resumed after the last event read when the connection fails (eventstoredb-retry.ts). */
  readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const forwards = (options.direction ?? 'forwards') === 'forwards';
    return resumed((last, delivered) => {
      const maxCount = options.maxCount === undefined ? undefined : options.maxCount - delivered;
      const fromRevision = last ? last.streamRevision + (forwards ? 1 : -1) : options.fromRevision;
      return this.readStreamOnce(streamId, forwards, fromRevision, maxCount);
    }, this.retries.calls);
  }

  private async *readStreamOnce(
    streamId: string,
    forwards: boolean,
    fromRevision: number | undefined,
    maxCount: number | undefined,
  ): AsyncIterable<RecordedEvent> {
    if ((maxCount !== undefined && maxCount <= 0) || (fromRevision !== undefined && fromRevision < 0)) return;
    const read = this.client.readStream(streamId, {
      direction: forwards ? FORWARDS : BACKWARDS,
      fromRevision: fromRevision === undefined ? (forwards ? START : END) : BigInt(fromRevision),
      ...(maxCount === undefined ? {} : { maxCount }),
    });
    for await (const { event } of itemsOf(read)) {
      if (event) yield recordedEvent(event);
    }
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const read = await Promise.all(streamIds.map(async (streamId) => [streamId, await collect(this.readStream(streamId))] as const));
    return new Map(read.filter(([, events]) => events.length > 0));
  }

  /** Filtered by the server when a filter is given (see the class comment); resumed after a dropped connection. */
  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const after = options.after ?? 0;
    let remaining = options.maxCount ?? Infinity;
    if (remaining <= 0) return;
    const events = options.filter ? this.readFiltered(after, options.filter) : this.readLog(after);
    for await (const event of events) {
      yield event;
      remaining -= 1;
      if (remaining === 0) return;
    }
  }

  subscribeToAll(options: ReadAllOptions = {}): AllSubscription {
    const { after = 0, filter } = options;
    return this.follow({ after, retry: this.retries.subscriptions }, filter, (resolved) => kept(resolved, filter));
  }

  /** Finite: reads $all up to `upTo` (else to its end as the read finds it), then stops. */
  async *readCanonicalLog(range: LogRange = {}): AsyncIterable<CanonicalEvent> {
    const upTo = range.upTo ?? Infinity;
    for await (const event of this.readLog(range.after ?? 0)) {
      if (event.position > upTo) return;
      yield canonicalEvent(event);
    }
  }

  /** EventStoreDB stores the envelope as JSON, not its canonical bytes: they are computed again here. */
  subscribeToCanonicalLog(options: CanonicalLogOptions = {}): Subscription<CanonicalEvent> {
    return this.follow({ after: options.after ?? 0, retry: this.retries.subscriptions }, undefined, (resolved) => {
      const event = kept(resolved, undefined);
      return event && canonicalEvent(event);
    });
  }

  /** $all after a position, unfiltered, system events left out; resumed after the last event read. */
  private readLog(after: number): AsyncIterable<RecordedEvent> {
    return resumed((last) => this.readLogOnce(last?.position ?? after), this.retries.calls);
  }

  private async *readLogOnce(after: number): AsyncIterable<RecordedEvent> {
    for await (const resolved of itemsOf(this.client.readAll({ fromPosition: logPosition(after) }))) {
      const event = resolved.event && commitPosition(resolved.event) > after ? kept(resolved, undefined) : undefined;
      if (event) yield event;
    }
  }

  /** The server's filter over $all up to its last position now: a catch-up subscription that ends there. */
  private async *readFiltered(after: number, filter: AllFilter): AsyncIterable<RecordedEvent> {
    const endAt = await this.lastPosition();
    if (endAt <= after) return;
    const read = this.follow({ after, endAt, retry: this.retries.calls }, filter, (resolved) => kept(resolved, filter));
    try {
      yield* read;
    } finally {
      await read.close();
    }
  }

  private follow<T extends { position: number }>(
    options: FollowOptions,
    filter: AllFilter | undefined,
    keep: (resolved: AllStreamResolvedEvent) => T | undefined,
  ): Subscription<T> {
    const subscription = new EventStoreDbSubscription<T>(
      (after, checkpoint) =>
        this.client.subscribeToAll({
          fromPosition: logPosition(after),
          filter: { ...serverFilter(filter), checkpointReached: (_, position) => checkpoint(position) },
        }),
      keep,
      options,
      (ended) => this.subscriptions.delete(ended),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** The commit position of the last event that is not a system event, read backwards from the end of $all. */
  headPosition(): Promise<number> {
    return retried(async () => {
      for await (const { event } of itemsOf(this.client.readAll({ fromPosition: END, direction: BACKWARDS }))) {
        if (event && !isSystem(event)) return commitPosition(event);
      }
      return 0;
    }, this.retries.calls);
  }

  /** The commit position of the last record in $all, system events included (0: an empty log). */
  private lastPosition(): Promise<number> {
    return retried(async () => {
      for await (const { event } of itemsOf(this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }))) {
        if (event) return commitPosition(event);
      }
      return 0;
    }, this.retries.calls);
  }

  /** Ends this store's subscriptions; disposes the client only if this store created it. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    if (this.ownsClient) await this.client.dispose();
  }

  /**
   * Made again after a transient failure: its first reads then show whether the failed try was stored (it is then
   * a retry, answered as the first time) or not.
   */
  private appendChecked(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return retried(() => this.appendOnce(streamId, events, expected), this.retries.calls);
  }

  /** Read, seal, compare-and-swap; again when another writer moved the head in between. */
  private async appendOnce(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    for (;;) {
      const place = await this.placeFor(streamId, events, expected);
      if ('prior' in place) return place.prior;
      const { head } = place;
      const sealed = sealEvents(streamId, head, events, new Date().toISOString());
      try {
        const result = await this.client.appendToStream(streamId, sealed.map(storedEvent), {
          expectedRevision: head.revision === NEW_STREAM_HEAD.revision ? NO_STREAM : BigInt(head.revision),
        });
        return { nextExpectedRevision: Number(result.nextExpectedRevision), position: await this.appendedPosition(streamId, result) };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
  }

  /**
   * Where the events go: the head to chain onto, or the first answer when they are a retry. Throws when the
   * expectation is not met, or when an id the reads saw is in the stream but not as a retry.
   */
  private async placeFor(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<{ head: StreamHead } | { prior: AppendResult }> {
    const { seen, head } = await this.readAround(streamId, events, expected);
    const prior = priorAppend(streamId, events, expected, seen);
    if (prior) return { prior };
    const actual = unmetExpectation(expected, head);
    if (actual !== undefined) throw new WrongExpectedRevisionError(streamId, expected, actual);
    const reused = events.find((event) => seen.some((stored) => stored.eventId === event.eventId));
    if (reused) throw new DuplicateEventIdError(reused.eventId);
    return { head: head ?? NEW_STREAM_HEAD };
  }

  /**
   * The stored events where a retry of `events` would be, and the stream's head (undefined: no stream). With a
   * revision or no_stream that is a few events from the expected place; with any/stream_exists the stream read
   * backwards until the first event's id (the whole stream when it is not there).
   */
  private async readAround(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<{ seen: RecordedEvent[]; head: StreamHead | undefined }> {
    if (expected === 'any' || expected === 'stream_exists') {
      const seen: RecordedEvent[] = [];
      for await (const event of this.readStream(streamId, { direction: 'backwards' })) {
        seen.push(event);
        if (event.eventId === events[0]?.eventId) break;
      }
      return { seen, head: seen[0] && headOf(seen[0]) };
    }
    // From the expected head on: the head itself (its hash), then where the events would go.
    const fromRevision = expected === 'no_stream' ? 0 : expected;
    const maxCount = expected === 'no_stream' ? events.length : events.length + 1;
    const seen = await collect(this.readStream(streamId, { fromRevision, maxCount }));
    const last = seen[seen.length - 1];
    const readToEnd = seen.length < maxCount && (last !== undefined || fromRevision === 0);
    return { seen, head: readToEnd ? last && headOf(last) : await this.readHead(streamId) };
  }

  private async readHead(streamId: string): Promise<StreamHead | undefined> {
    const [last] = await collect(this.readStream(streamId, { direction: 'backwards', maxCount: 1 }));
    return last && headOf(last);
  }

  /**
   * The server reports no position when it answered an identical append made at the same moment as a retry
   * (EventStoreDB's own idempotence): the stored last event has it.
   */
  private async appendedPosition(streamId: string, result: ClientAppendResult): Promise<number> {
    if (result.position) return commitPosition({ id: streamId, position: result.position });
    const [last] = await collect(this.readStream(streamId, { fromRevision: Number(result.nextExpectedRevision), maxCount: 1 }));
    if (!last) throw new Error(`Stream ${streamId}: the appended event at ${result.nextExpectedRevision} cannot be read`);
    return last.position;
  }
}

/** EventStoreDB answers ids as lowercase UUIDs: sealing the id in that form keeps the stored chain verifiable. */
function withStoredId(event: NewEvent): NewEvent {
  const eventId = event.eventId.toLowerCase();
  return eventId === event.eventId ? event : { ...event, eventId };
}

function storedEvent({ envelope, eventHash }: SealedEvent<EventMetadata>) {
  const { eventId, type, data, metadata, schemaVersion, occurredAt, recordedAt, prevEventHash } = envelope;
  const stored: StoredMetadata = { ...metadata, schemaVersion, occurredAt, recordedAt, prevEventHash, eventHash };
  return jsonEvent({ id: eventId, type, data, metadata: stored });
}

/** The port's event from a stored one: data as stored, the envelope fields taken back out of the metadata. */
function recordedEvent(event: ClientRecordedEvent): RecordedEvent {
  const stored: unknown = event.metadata;
  if (!event.isJson || !hasEnvelope(stored)) {
    throw new Error(`Event ${event.id} in ${event.streamId} was not written by this store (no envelope in its metadata)`);
  }
  const { schemaVersion, occurredAt, recordedAt, prevEventHash, eventHash, ...metadata } = stored;
  return {
    eventId: event.id,
    streamId: event.streamId,
    streamRevision: Number(event.revision),
    type: event.type,
    schemaVersion,
    occurredAt,
    recordedAt,
    data: event.data as Record<string, unknown>,
    metadata,
    position: commitPosition(event),
    prevEventHash,
    eventHash,
  };
}

function hasEnvelope(metadata: unknown): metadata is StoredMetadata {
  return typeof metadata === 'object' && metadata !== null && 'eventHash' in metadata;
}

function headOf(event: RecordedEvent): StreamHead {
  return { revision: event.streamRevision, lastHash: event.eventHash };
}

function canonicalEvent(event: RecordedEvent): CanonicalEvent {
  return { position: event.position, canonical: canonicalBytes(event), eventHash: event.eventHash };
}

function isSystem(event: { streamId: string; type: string }): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/** The port's event when it is not a system event and passes the filter. */
function kept(resolved: AllStreamResolvedEvent, filter: AllFilter | undefined): RecordedEvent | undefined {
  const { event } = resolved;
  if (!event || isSystem(event)) return undefined;
  if (filter?.streamPrefix !== undefined && !event.streamId.startsWith(filter.streamPrefix)) return undefined;
  if (filter?.eventTypes !== undefined && !filter.eventTypes.includes(event.type)) return undefined;
  return recordedEvent(event);
}

/** The server narrows by one criterion (stream prefix, else event-type prefixes); kept() applies the exact filter. */
function serverFilter(filter: AllFilter | undefined): Filter {
  if (filter?.streamPrefix) return streamNameFilter({ prefixes: [filter.streamPrefix] });
  if (filter?.eventTypes && filter.eventTypes.length > 0) return eventTypeFilter({ prefixes: [...filter.eventTypes] });
  return excludeSystemEvents();
}

/** What a client read yields; a stream that does not exist yields nothing. The call is cancelled if left early. */
async function* itemsOf<T>(read: StreamingRead<T>): AsyncGenerator<T> {
  try {
    for await (const item of read) yield item;
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  } finally {
    // Cancelling a call that never connected fails too; the read's own error is the one worth reporting.
    await read.cancel().catch(() => undefined);
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
