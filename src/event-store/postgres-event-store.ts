import { DatabaseError, type Pool } from 'pg';
import { NEW_STREAM_HEAD, sealEvents, type SealedEnvelope, type SealedEvent, type StreamHead } from '../integrity/canonical';
import { resilientPool } from '../database/pool';
import { checkAppends } from './append-checks';
import { AppendNotifications } from './append-notifications';
import { AppendQueue, type BatchLimits, type PendingAppend } from './append-queue';
import { CatchUpSubscription, type LogPage, type ReadLogPage } from './catch-up-subscription';
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
  type StreamsSnapshot,
  type Subscription,
} from './event-store';
import { openStreamsSnapshot } from './postgres-streams-snapshot';
import { priorAppend, unmetExpectation, type StoredEventPlace } from './expected-revision';
import { RecentStreamHeads } from './recent-stream-heads';

export interface PostgresEventStoreOptions {
  /** Connections in the pool the store makes when given a URL. Default 10. */
  poolSize?: number;
  /** Rows per query when reading streams, the log and subscriptions: memory stays bounded. Default 1000. */
  batchSize?: number;
  /** Stream heads kept in memory so most appends need no read first. Default 10,000; 0 disables. */
  recentHeads?: number;
  /** Live subscriptions re-read the log this often even without a notification. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Most streams and events one group-committed write carries. Default 500 streams, 5,000 events. */
  batchLimits?: BatchLimits;
}

const UNIQUE_VIOLATION = '23505';
/** An event already has the revision an append gave its first event: that stream's head moved. */
const REVISION_TAKEN = 'events_stream_revision_key';
const EVENT_ID_TAKEN = 'events_event_id_key';

// Named queries: pg prepares each once per pooled connection, then only binds and executes.
const APPEND = {
  name: 'journey_append_events',
  text: 'SELECT append_events($1, $2, $3, $4, $5, $6, $7, $8) AS position',
};
// Each stream's last event, from the index on (stream_id, stream_revision) alone.
const READ_HEADS = {
  name: 'journey_read_stream_heads',
  text: `SELECT head.stream_id, head.stream_revision, head.event_hash
         FROM unnest($1::text[]) AS s(stream_id)
         CROSS JOIN LATERAL (
           SELECT stream_id, stream_revision, event_hash FROM events
           WHERE stream_id = s.stream_id ORDER BY stream_revision DESC LIMIT 1
         ) head`,
};
// The canonical bytes travel as UTF-8 text and the hash as hex (half the bytes of bytea's hex output, and the
// JSON parses straight from the string); the bytes are valid UTF-8 by construction, so they round-trip exactly.
const EVENT_COLUMNS = `position, convert_from(canonical, 'UTF8') AS canonical, encode(event_hash, 'hex') AS event_hash`;
const READ_STREAMS = {
  name: 'journey_read_streams',
  text: `SELECT ${EVENT_COLUMNS} FROM events
         WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_revision`,
};
const READ_STREAM_FORWARDS = {
  name: 'journey_read_stream_forwards',
  text: `SELECT ${EVENT_COLUMNS} FROM events
         WHERE stream_id = $1 AND stream_revision >= $2 ORDER BY stream_revision LIMIT $3`,
};
const READ_STREAM_BACKWARDS = {
  name: 'journey_read_stream_backwards',
  text: `SELECT ${EVENT_COLUMNS} FROM events
         WHERE stream_id = $1 AND stream_revision <= $2 ORDER BY stream_revision DESC LIMIT $3`,
};
// The log head is read in the same statement, hence the same snapshot, as the events: a short page proves
// that everything up to that head has been seen, so a filtered reader can move its cursor past it.
const READ_LOG_PAGE = {
  name: 'journey_read_log_page',
  text: `SELECT head.position AS head, e.*
         FROM event_log_head head
         LEFT JOIN LATERAL (
           SELECT ${EVENT_COLUMNS} FROM events
           WHERE position > $1
             AND ($2::text[] IS NULL OR type = ANY($2::text[]))
             AND ($3::text IS NULL OR starts_with(stream_id, $3::text))
           ORDER BY position LIMIT $4
         ) e ON true
         ORDER BY e.position`,
};
const READ_PLACES = {
  name: 'journey_read_event_places',
  text: 'SELECT event_id, stream_id, stream_revision, position FROM events WHERE event_id = ANY($1::uuid[])',
};

/** An append sealed on arrival against the head this store remembers: sealing overlaps the write in flight. */
interface SealedAppend extends StreamAppend {
  sealed?: { head: StreamHead; events: SealedEvent[] };
}

/** One stream's part of a caller's append, within a batch. */
interface StreamWrite {
  pending: PendingAppend<SealedAppend>;
  append: SealedAppend;
  /** The head to chain onto: from memory, or read; undefined until known. */
  head: StreamHead | undefined;
}

/** EVENT_COLUMNS as read. */
interface EventRow {
  position: string;
  /** The canonical bytes as UTF-8 text. */
  canonical: string;
  /** Hex. */
  event_hash: string;
}

/**
 * The event store on PostgreSQL (schema: src/database/migrations/event-log/1763900000000-EventLog.ts).
 * Appends go through a group-commit queue (append-queue.ts): one append_events call, one transaction and one
 * fsync for everything that arrived while the previous write was in flight.
 * Given a pool, its owner ends it; given a URL, the store makes a pool of `poolSize` and ends it on close. Size it
 * for the concurrent appends and reads, plus one connection held while any subscription of this store is live.
 */
export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  /** The store made the pool from a URL, so close() ends it. */
  private readonly ownsPool: boolean;
  private readonly batchSize: number;
  private readonly heads: RecentStreamHeads;
  private readonly notifications: AppendNotifications;
  private readonly subscriptions = new Set<Subscription<unknown>>();
  private readonly queue: AppendQueue<SealedAppend>;

  constructor(connection: Pool | string, options: PostgresEventStoreOptions = {}) {
    this.ownsPool = typeof connection === 'string';
    this.pool = typeof connection === 'string' ? resilientPool(connection, options.poolSize ?? 10) : connection;
    this.batchSize = options.batchSize ?? 1000;
    this.heads = new RecentStreamHeads(options.recentHeads ?? 10_000);
    this.notifications = new AppendNotifications(this.pool, options.pollIntervalMs ?? 1000);
    this.queue = new AppendQueue((batch) => this.writeBatch(batch), options.batchLimits ?? { streams: 500, events: 5000 });
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const [result] = await this.appendMany([{ streamId, events, expected }]);
    return result as AppendResult;
  }

  /**
   * Appends to several streams, all or nothing, each stream's expected revision checked as append() does. Only a
   * single-stream call is recognised as a retry of an earlier append (idempotence); a bulk caller skips the
   * events it already stored. Single-stream appends made while a write is in flight go together in the next one
   * (group commit). A bulk call is a batch already: it goes at once, so that PostgreSQL reads its arrays and
   * creates its streams while the write before it commits (the import keeps two in flight).
   */
  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    checkAppends(appends);
    const sealed = appends.map((append) => this.sealAhead(append));
    if (sealed.length === 1) return this.queue.submit(sealed);
    return new Promise((resolve, reject) => {
      this.writeBatch([{ appends: sealed, resolve, reject }]).catch(reject);
    });
  }

  /** Several streams at once, in revision order, keyed by stream id (absent when the stream does not exist). */
  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const { rows } = await this.pool.query<EventRow>({ ...READ_STREAMS, values: [streamIds] });
    const streams = new Map<string, RecordedEvent[]>();
    for (const event of rows.map(recordedEvent)) {
      const stream = streams.get(event.streamId) ?? [];
      if (stream.length === 0) streams.set(event.streamId, stream);
      stream.push(event);
    }
    for (const [streamId, events] of streams) this.rememberHead(streamId, events[events.length - 1] as RecordedEvent);
    return streams;
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const forwards = (options.direction ?? 'forwards') === 'forwards';
    let from = options.fromRevision ?? (forwards ? 0 : Number.MAX_SAFE_INTEGER);
    let remaining = options.maxCount ?? Infinity;
    while (remaining > 0) {
      const limit = Math.min(this.batchSize, remaining);
      const { rows } = await this.pool.query<EventRow>({
        ...(forwards ? READ_STREAM_FORWARDS : READ_STREAM_BACKWARDS),
        values: [streamId, from, limit],
      });
      const events = rows.map(recordedEvent);
      yield* events;
      remaining -= events.length;
      const last = events[events.length - 1];
      if (events.length < limit) {
        // Read forwards to the end: the last event is the stream's head, which the next append will chain onto.
        if (forwards && last) this.rememberHead(streamId, last);
        return;
      }
      if (!last) return;
      from = forwards ? last.streamRevision + 1 : last.streamRevision - 1;
    }
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    return this.readLog(options.after ?? 0, options.filter, options.maxCount ?? Infinity, recordedEvent);
  }

  async *readCanonicalLog(range: LogRange = {}): AsyncIterable<CanonicalEvent> {
    const upTo = range.upTo ?? Infinity;
    for await (const event of this.readLog(range.after ?? 0, undefined, Infinity, canonicalEvent)) {
      if (event.position > upTo) return;
      yield event;
    }
  }

  /** One snapshot, copied out stream by stream on a connection of its own (see postgres-streams-snapshot.ts). */
  openStreamsSnapshot(): Promise<StreamsSnapshot> {
    return openStreamsSnapshot(this.pool);
  }

  subscribeToAll(options: ReadAllOptions = {}): AllSubscription {
    return this.follow({ after: options.after ?? 0 }, (after, limit) => this.readLogPage(after, options.filter, limit, recordedEvent));
  }

  subscribeToCanonicalLog(options: CanonicalLogOptions = {}): Subscription<CanonicalEvent> {
    return this.follow({ after: options.after ?? 0, pollEveryMs: options.pollEveryMs }, (after, limit) =>
      this.readLogPage(after, undefined, limit, canonicalEvent),
    );
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>('SELECT position FROM event_log_head WHERE id = 1');
    return Number(rows[0]?.position ?? 0);
  }

  /** Ends this store's subscriptions, giving back their connection; ends the pool only if this store made it. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    if (this.ownsPool) await this.pool.end();
  }

  /** Seals now when the head is known, so that the write, once its turn comes, has nothing left to compute. */
  private sealAhead(append: StreamAppend): SealedAppend {
    const head = this.knownHead(append.streamId, append.expected);
    if (!head) return append;
    return { ...append, sealed: { head, events: sealEvents(append.streamId, head, append.events, new Date().toISOString()) } };
  }

  private knownHead(streamId: string, expected: ExpectedRevision): StreamHead | undefined {
    if (expected === 'no_stream') return NEW_STREAM_HEAD;
    const remembered = this.heads.get(streamId);
    if (remembered && (typeof expected !== 'number' || remembered.revision === expected)) return remembered;
    return undefined;
  }

  private rememberHead(streamId: string, last: RecordedEvent): void {
    this.heads.remember(streamId, { revision: last.streamRevision, lastHash: last.eventHash });
  }

  /**
   * One transaction for every caller in the batch. A caller whose expected revision is not met, or whose event id
   * is already in the log, fails (or, for a retry, gets the first answer) alone; the others are written again
   * without it, each caller still all or nothing.
   */
  private async writeBatch(batch: readonly PendingAppend<SealedAppend>[]): Promise<void> {
    let writes: StreamWrite[] = batch.flatMap((pending) =>
      pending.appends.map((append) => ({ pending, append, head: this.knownHead(append.streamId, append.expected) })),
    );
    const settled = new Set<PendingAppend<SealedAppend>>();
    const settle = async (unmet: { write: StreamWrite; actual: number | 'no_stream' }[]) => {
      for (const { write, actual } of unmet) {
        if (settled.has(write.pending)) continue;
        await this.settleConflict(write, actual);
        settled.add(write.pending);
      }
      writes = writes.filter((write) => !settled.has(write.pending));
    };
    for (;;) {
      const missing = writes.filter((write) => !write.head);
      if (missing.length > 0) await settle(this.chainOnto(missing, await this.readHeads(missing)));
      if (writes.length === 0) return;
      try {
        const results = await this.write(writes);
        const answers = new Map<PendingAppend<SealedAppend>, AppendResult[]>();
        for (const [index, { pending }] of writes.entries()) {
          const answer = answers.get(pending) ?? [];
          if (answer.length === 0) answers.set(pending, answer);
          answer.push(results[index] as AppendResult);
        }
        for (const [pending, answer] of answers) pending.resolve(answer);
        return;
      } catch (error) {
        for (const { append } of writes) this.heads.forget(append.streamId);
        if (!(error instanceof DatabaseError) || error.code !== UNIQUE_VIOLATION) throw error;
        if (error.constraint === EVENT_ID_TAKEN) {
          for (const pending of await this.settleDuplicates(writes, error)) settled.add(pending);
          writes = writes.filter((write) => !settled.has(write.pending));
        } else if (error.constraint === REVISION_TAKEN) {
          // Some heads moved (or were remembered stale): each write is checked again against its stream's head now.
          const current = await this.readHeads(writes);
          const moved = writes.filter((write) => (current.get(write.append.streamId)?.revision ?? -1) !== write.head?.revision);
          if (moved.length === 0) throw error;
          await settle(this.chainOnto(moved, current));
        } else {
          throw error;
        }
      }
    }
  }

  private async readHeads(writes: readonly StreamWrite[]): Promise<Map<string, StreamHead>> {
    const { rows } = await this.pool.query<{ stream_id: string; stream_revision: string; event_hash: Buffer }>({
      ...READ_HEADS,
      values: [writes.map((write) => write.append.streamId)],
    });
    return new Map(rows.map((row) => [row.stream_id, { revision: Number(row.stream_revision), lastHash: row.event_hash.toString('hex') }]));
  }

  /** Sets each write's head to its stream's current one; answers the writes whose expectation it does not meet. */
  private chainOnto(writes: readonly StreamWrite[], current: Map<string, StreamHead>): { write: StreamWrite; actual: number | 'no_stream' }[] {
    const unmet: { write: StreamWrite; actual: number | 'no_stream' }[] = [];
    for (const write of writes) {
      const head = current.get(write.append.streamId);
      const actual = unmetExpectation(write.append.expected, head);
      if (actual === undefined) write.head = head ?? NEW_STREAM_HEAD;
      else unmet.push({ write, actual });
    }
    return unmet;
  }

  /** One round trip: position allocation, insert (each stream's compare-and-swap), notify (append_events). */
  private async write(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    const recordedAt = new Date().toISOString();
    const heads = writes.map((write) => write.head as StreamHead);
    const sealed = writes.map(({ append }, index) => {
      const head = heads[index] as StreamHead;
      const ahead = append.sealed;
      if (ahead && ahead.head.revision === head.revision && ahead.head.lastHash === head.lastHash) return ahead.events;
      return sealEvents(append.streamId, head, append.events, recordedAt);
    });
    const lasts = sealed.map((events) => events[events.length - 1] as SealedEvent);
    const all = sealed.flat();
    // The bytes go as two binary parameters (pg sends a Buffer as is), not as arrays of hex text.
    let end = 0;
    const { rows } = await this.pool.query<{ position: string }>({
      ...APPEND,
      values: [
        all.map(({ envelope }) => envelope.streamId),
        all.map(({ envelope }) => envelope.streamRevision),
        all.map(({ envelope }) => envelope.eventId),
        all.map(({ envelope }) => envelope.type),
        all.map(({ envelope }) => envelope.recordedAt),
        Buffer.concat(all.map(({ canonical }) => canonical)),
        all.map(({ canonical }) => (end += canonical.length)),
        Buffer.from(all.map(({ eventHash }) => eventHash).join(''), 'hex'),
      ],
    });
    let position = Number(rows[0]?.position) - all.length;
    return sealed.map((events, index) => {
      position += events.length;
      const last = lasts[index] as SealedEvent;
      this.heads.remember(last.envelope.streamId, { revision: last.envelope.streamRevision, lastHash: last.eventHash });
      return { nextExpectedRevision: last.envelope.streamRevision, position };
    });
  }

  /** A revision conflict is fine when a single-stream append is a retry of one already stored (idempotence). */
  private async settleConflict({ pending, append }: StreamWrite, actual: number | 'no_stream'): Promise<void> {
    const { streamId, events, expected } = append;
    const prior = pending.appends.length === 1 ? priorAppend(streamId, events, expected, await this.readPlaces(events)) : undefined;
    if (prior) pending.resolve([prior]);
    else pending.reject(new WrongExpectedRevisionError(streamId, expected, actual));
  }

  /**
   * Settles the callers with an event id already in the log (a retry gets its first answer, anyone else a
   * DuplicateEventIdError) and names them; the batch's other callers are written again without them.
   */
  private async settleDuplicates(writes: readonly StreamWrite[], cause: DatabaseError): Promise<Set<PendingAppend<SealedAppend>>> {
    const places = await this.readPlaces(writes.flatMap((write) => write.append.events));
    const taken = new Map(places.map((place) => [place.eventId.toLowerCase(), place]));
    const settled = new Set<PendingAppend<SealedAppend>>();
    for (const { pending, append } of writes) {
      const duplicate = append.events.find((event) => taken.has(event.eventId.toLowerCase()));
      if (!duplicate || settled.has(pending)) continue;
      const prior = pending.appends.length === 1 ? priorAppend(append.streamId, append.events, append.expected, places) : undefined;
      if (prior) pending.resolve([prior]);
      else pending.reject(new DuplicateEventIdError(taken.get(duplicate.eventId.toLowerCase())?.eventId ?? duplicate.eventId));
      settled.add(pending);
    }
    if (settled.size === 0) throw cause;
    return settled;
  }

  private async readPlaces(events: readonly NewEvent[]): Promise<StoredEventPlace[]> {
    const { rows } = await this.pool.query<{ event_id: string; stream_id: string; stream_revision: string; position: string }>({
      ...READ_PLACES,
      values: [events.map((event) => event.eventId)],
    });
    return rows.map((row) => ({
      eventId: row.event_id,
      streamId: row.stream_id,
      streamRevision: Number(row.stream_revision),
      position: Number(row.position),
    }));
  }

  private follow<T>(from: { after: number; pollEveryMs?: number }, readPage: ReadLogPage<T>): Subscription<T> {
    const subscription = new CatchUpSubscription(readPage, this.notifications, { ...from, batchSize: this.batchSize }, (ended) =>
      this.subscriptions.delete(ended),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  private async *readLog<T extends { position: number }>(
    after: number,
    filter: AllFilter | undefined,
    maxCount: number,
    toEvent: (row: EventRow) => T,
  ): AsyncIterable<T> {
    let remaining = maxCount;
    while (remaining > 0) {
      const limit = Math.min(this.batchSize, remaining);
      const page = await this.readLogPage(after, filter, limit, toEvent);
      yield* page.events;
      remaining -= page.events.length;
      if (page.events.length < limit) return;
      after = page.seenUpTo;
    }
  }

  private async readLogPage<T extends { position: number }>(
    after: number,
    filter: AllFilter | undefined,
    limit: number,
    toEvent: (row: EventRow) => T,
  ): Promise<LogPage<T>> {
    const { rows } = await this.pool.query<{ head: string } & { [K in keyof EventRow]: EventRow[K] | null }>({
      ...READ_LOG_PAGE,
      values: [after, filter?.eventTypes ?? null, filter?.streamPrefix ?? null, limit],
    });
    const events = rows.filter((row): row is { head: string } & EventRow => row.position !== null).map(toEvent);
    const last = events[events.length - 1];
    const seenUpTo = events.length < limit ? Math.max(after, Number(rows[0]?.head ?? 0)) : (last as T).position;
    return { events, seenUpTo };
  }
}

function canonicalEvent(row: EventRow): CanonicalEvent {
  return { position: Number(row.position), canonical: Buffer.from(row.canonical, 'utf8'), eventHash: row.event_hash };
}

/** The stored canonical bytes are the event; position and hash come from their columns. */
function recordedEvent(row: EventRow): RecordedEvent {
  const envelope = JSON.parse(row.canonical) as SealedEnvelope<EventMetadata>;
  return { ...envelope, position: Number(row.position), eventHash: row.event_hash };
}
