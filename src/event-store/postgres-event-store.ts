import { DatabaseError, type Pool } from 'pg';
import { NEW_STREAM_HEAD, sealEvents, type SealedEnvelope, type StreamHead } from '../integrity/canonical';
import { AppendNotifications } from './append-notifications';
import { CatchUpSubscription, type LogPage } from './catch-up-subscription';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type AllFilter,
  type AllSubscription,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
} from './event-store';
import { priorAppend, unmetExpectation, type StoredEventPlace } from './expected-revision';
import { RecentStreamHeads } from './recent-stream-heads';

export interface PostgresEventStoreOptions {
  /** Rows per query when reading streams, the log and subscriptions: memory stays bounded. Default 1000. */
  batchSize?: number;
  /** Stream heads kept in memory so most appends need no read first. Default 10,000; 0 disables. */
  recentHeads?: number;
  /** Live subscriptions re-read the log this often even without a notification. Default 1000 ms. */
  pollIntervalMs?: number;
}

/** SQLSTATE raised by append_events when the stream head it was given is no longer the stream's head. */
const STREAM_HEAD_MOVED = 'JLREV';
const UNIQUE_VIOLATION = '23505';

// Named queries: pg prepares each once per pooled connection, then only binds and executes.
const APPEND = {
  name: 'journey_append_events',
  text: 'SELECT append_events($1, $2, $3, $4, $5, $6, $7, $8) AS position',
};
const READ_HEAD = {
  name: 'journey_read_stream_head',
  text: 'SELECT revision, last_hash FROM streams WHERE stream_id = $1',
};
const READ_STREAM_FORWARDS = {
  name: 'journey_read_stream_forwards',
  text: `SELECT position, canonical, event_hash FROM events
         WHERE stream_id = $1 AND stream_revision >= $2 ORDER BY stream_revision LIMIT $3`,
};
const READ_STREAM_BACKWARDS = {
  name: 'journey_read_stream_backwards',
  text: `SELECT position, canonical, event_hash FROM events
         WHERE stream_id = $1 AND stream_revision <= $2 ORDER BY stream_revision DESC LIMIT $3`,
};
// The log head is read in the same statement, hence the same snapshot, as the events: a short page proves
// that everything up to that head has been seen, so a filtered reader can move its cursor past it.
const READ_LOG_PAGE = {
  name: 'journey_read_log_page',
  text: `SELECT head.position AS head, e.position, e.canonical, e.event_hash
         FROM event_log_head head
         LEFT JOIN LATERAL (
           SELECT position, canonical, event_hash FROM events
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

interface EventRow {
  position: string;
  canonical: Buffer;
  event_hash: Buffer;
}

/**
 * The event store on PostgreSQL (schema: src/database/migrations/1763900000000-EventLog.ts).
 * The caller owns the pool: size it for the concurrent appends and reads, plus one connection held while any
 * subscription of this store is live.
 */
export class PostgresEventStore implements EventStore {
  private readonly batchSize: number;
  private readonly heads: RecentStreamHeads;
  private readonly notifications: AppendNotifications;
  private readonly subscriptions = new Set<CatchUpSubscription>();

  constructor(
    private readonly pool: Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.heads = new RecentStreamHeads(options.recentHeads ?? 10_000);
    this.notifications = new AppendNotifications(pool, options.pollIntervalMs ?? 1000);
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError(`Stream ${streamId}: an append needs at least one event`);
    const ids = new Set<string>();
    for (const { eventId } of events) {
      if (ids.has(eventId.toLowerCase())) throw new DuplicateEventIdError(eventId);
      ids.add(eventId.toLowerCase());
    }

    let head = this.knownHead(streamId, expected);
    for (;;) {
      const remembered = head !== undefined;
      if (!head) {
        const current = await this.readHead(streamId);
        const actual = unmetExpectation(expected, current);
        if (actual !== undefined) return this.settleConflict(streamId, events, expected, actual);
        head = current ?? NEW_STREAM_HEAD;
      }
      try {
        return await this.write(streamId, head, events);
      } catch (error) {
        this.heads.forget(streamId);
        if (!(error instanceof DatabaseError)) throw error;
        if (error.code === UNIQUE_VIOLATION && error.constraint === 'events_event_id_key') {
          return this.settleDuplicate(streamId, events, expected, error);
        }
        if (error.code !== STREAM_HEAD_MOVED) throw error;
        // A head from memory may just be stale; any/stream_exists hold on whatever the head is now.
        if (remembered || expected === 'any' || expected === 'stream_exists') {
          head = undefined;
          continue;
        }
        return this.settleConflict(streamId, events, expected, error.detail === 'no_stream' ? 'no_stream' : Number(error.detail));
      }
    }
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
        if (forwards && last) this.heads.remember(streamId, { revision: last.streamRevision, lastHash: last.eventHash });
        return;
      }
      if (!last) return;
      from = forwards ? last.streamRevision + 1 : last.streamRevision - 1;
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let after = options.after ?? 0;
    let remaining = options.maxCount ?? Infinity;
    while (remaining > 0) {
      const limit = Math.min(this.batchSize, remaining);
      const page = await this.readLogPage(after, options.filter, limit);
      yield* page.events;
      remaining -= page.events.length;
      if (page.events.length < limit) return;
      after = page.seenUpTo;
    }
  }

  subscribeToAll(options: ReadAllOptions = {}): AllSubscription {
    const subscription = new CatchUpSubscription(
      (after, filter, limit) => this.readLogPage(after, filter, limit),
      this.notifications,
      { after: options.after ?? 0, filter: options.filter, batchSize: this.batchSize },
      (ended) => this.subscriptions.delete(ended),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>('SELECT position FROM event_log_head WHERE id = 1');
    return Number(rows[0]?.position ?? 0);
  }

  /** Ends this store's subscriptions, giving back their connection; the pool stays open (its owner ends it). */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
  }

  private knownHead(streamId: string, expected: ExpectedRevision): StreamHead | undefined {
    if (expected === 'no_stream') return NEW_STREAM_HEAD;
    const remembered = this.heads.get(streamId);
    if (remembered && (typeof expected !== 'number' || remembered.revision === expected)) return remembered;
    return undefined;
  }

  private async readHead(streamId: string): Promise<StreamHead | undefined> {
    const { rows } = await this.pool.query<{ revision: string; last_hash: Buffer }>({ ...READ_HEAD, values: [streamId] });
    const row = rows[0];
    return row && { revision: Number(row.revision), lastHash: row.last_hash.toString('hex') };
  }

  /** One round trip: compare-and-swap of the stream head, position allocation, insert, notify (append_events). */
  private async write(streamId: string, head: StreamHead, events: readonly NewEvent[]): Promise<AppendResult> {
    const recordedAt = new Date().toISOString();
    const sealed = sealEvents(streamId, head, events, recordedAt);
    const { rows } = await this.pool.query<{ position: string }>({
      ...APPEND,
      values: [
        streamId,
        head.revision,
        Buffer.from(head.lastHash, 'hex'),
        sealed.map(({ envelope }) => envelope.eventId),
        sealed.map(({ envelope }) => envelope.type),
        sealed.map(({ canonical }) => canonical),
        sealed.map(({ eventHash }) => Buffer.from(eventHash, 'hex')),
        recordedAt,
      ],
    });
    const last = sealed[sealed.length - 1] as (typeof sealed)[number];
    const nextExpectedRevision = last.envelope.streamRevision;
    this.heads.remember(streamId, { revision: nextExpectedRevision, lastHash: last.eventHash });
    return { nextExpectedRevision, position: Number(rows[0]?.position) };
  }

  /** A revision conflict is fine when the append is a retry of one already stored (idempotence). */
  private async settleConflict(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    actual: number | 'no_stream',
  ): Promise<AppendResult> {
    const prior = priorAppend(streamId, events, expected, await this.readPlaces(events));
    if (prior) return prior;
    throw new WrongExpectedRevisionError(streamId, expected, actual);
  }

  private async settleDuplicate(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    cause: DatabaseError,
  ): Promise<AppendResult> {
    const places = await this.readPlaces(events);
    const prior = priorAppend(streamId, events, expected, places);
    if (prior) return prior;
    const taken = places[0];
    if (!taken) throw cause;
    throw new DuplicateEventIdError(taken.eventId);
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

  private async readLogPage(after: number, filter: AllFilter | undefined, limit: number): Promise<LogPage> {
    const { rows } = await this.pool.query<{ head: string } & { [K in keyof EventRow]: EventRow[K] | null }>({
      ...READ_LOG_PAGE,
      values: [after, filter?.eventTypes ?? null, filter?.streamPrefix ?? null, limit],
    });
    const events = rows.filter((row): row is { head: string } & EventRow => row.position !== null).map(recordedEvent);
    const last = events[events.length - 1];
    const seenUpTo = events.length < limit ? Math.max(after, Number(rows[0]?.head ?? 0)) : (last as RecordedEvent).position;
    return { events, seenUpTo };
  }
}

/** The stored canonical bytes are the event; position and hash come from their columns. */
function recordedEvent(row: EventRow): RecordedEvent {
  const envelope = JSON.parse(row.canonical.toString('utf8')) as SealedEnvelope;
  return { ...envelope, position: Number(row.position), eventHash: row.event_hash.toString('hex') };
}
