/**
 * The event store port. Its semantics mirror EventStoreDB's so that both adapters (PostgreSQL, the embedded
 * default; EventStoreDB, the production option) are honest implementations of one contract
 * (test/contract/event-store.contract.ts).
 */
import type { SealedEnvelope, UnsealedEvent } from '../integrity/canonical';

/** Who did it and why, never who it is about: no personal data here. */
export interface EventMetadata {
  /** Pseudonymous id of the user (or system process) that recorded the event. */
  actor: string;
  organisationId: string;
  /** Groups every event caused by one request or import. */
  correlationId: string;
  /** The event or command that caused this one; null when a person's request did. */
  causationId: string | null;
}

/** An event to append: its envelope's fields (src/integrity/canonical.ts) that the writer gives. */
export type NewEvent = UnsealedEvent<EventMetadata>;

/**
 * An event as stored: immutable, its envelope chained to the previous event of its stream (the fields its hash
 * covers, src/integrity/canonical.ts).
 */
export interface RecordedEvent extends SealedEnvelope<EventMetadata> {
  /** Position in the global log: strictly increasing in commit order (dense on PostgreSQL, not on EventStoreDB). */
  position: number;
  /** Hex SHA-256 of this event's canonical bytes. */
  eventHash: string;
}

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  nextExpectedRevision: number;
  /** Global position of the last event appended (or of the already-stored event, for an idempotent retry). */
  position: number;
}

/** One stream's part of an appendMany call. */
export interface StreamAppend {
  streamId: string;
  events: readonly NewEvent[];
  expected: ExpectedRevision;
}

export interface ReadStreamOptions {
  /** Revision to start from (inclusive); default: the start (forwards) or the end (backwards). */
  fromRevision?: number;
  direction?: 'forwards' | 'backwards';
  maxCount?: number;
}

export interface AllFilter {
  eventTypes?: readonly string[];
  streamPrefix?: string;
}

export interface ReadAllOptions {
  /** Only events after this global position (exclusive); default 0 = from the beginning. */
  after?: number;
  filter?: AllFilter;
  maxCount?: number;
}

/** Catch-up then live: an endless async iterable, ended by close(). */
export interface Subscription<T> extends AsyncIterable<T> {
  close(): Promise<void>;
}

export type AllSubscription = Subscription<RecordedEvent>;

export interface CanonicalLogOptions {
  /** Only events after this global position (exclusive); default 0. */
  after?: number;
  /**
   * For a subscriber that batches anyway: once caught up, read the log again every `pollEveryMs` instead of being
   * woken by each append (on PostgreSQL each wake-up costs the server a signal and the client a message, per
   * commit). A store that pushes events (EventStoreDB) has nothing to poll and ignores it. Default: woken.
   */
  pollEveryMs?: number;
}

/** An event as the bytes its hash is over: what the Merkle log and audit exports are made of. */
export interface CanonicalEvent {
  position: number;
  /** RFC 8785 bytes of the envelope (src/integrity/canonical.ts). */
  canonical: Buffer;
  /** Hex SHA-256 of `canonical`, as stored with the event. */
  eventHash: string;
}

/** A stretch of the global log: the events with `after < position <= upTo`. */
export interface LogRange {
  /** Exclusive; default 0 = from the beginning. */
  after?: number;
  /** Inclusive; default: to the end of the log as it is when the read gets there. */
  upTo?: number;
}

/** An event as a rebuild loads it: the stored envelope and its position, its hash left out. */
export type LoggedEvent = Omit<RecordedEvent, 'eventHash'>;

/**
 * The log as one consistent snapshot, stream by stream: a rebuild's bulk load. Close it once read (or given up):
 * it holds a connection.
 */
export interface StreamsSnapshot {
  /** The snapshot holds every event up to this position, and none after it. */
  head: number;
  /** Whole streams, each in revision order, several at a time; events as stored (not upcast). */
  streams: AsyncIterable<LoggedEvent[][]>;
  close(): Promise<void>;
}

export interface EventStore {
  /** Atomic: all events are appended or none. Throws WrongExpectedRevisionError on a revision mismatch. */
  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /**
   * Appends to several streams (bulk import). On PostgreSQL all of them or none, in one transaction; an adapter
   * whose server cannot do that (EventStoreDB) appends stream by stream, each atomic, and a retry completes it.
   * A retried multi-stream call is not idempotent as a whole: callers skip events they already stored.
   */
  appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** Events of one stream in revision order; empty when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  /** Several whole streams at once; streams that do not exist are absent from the map. */
  readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>>;
  /** The global log in position order. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** The global log from a position, catching up then following live appends; resumable by position. */
  subscribeToAll(options?: ReadAllOptions): AllSubscription;
  /**
   * subscribeToAll, unfiltered, as canonical bytes: what the Merkle log builder follows. A store that keeps the
   * bytes (PostgreSQL) hands them over as stored, neither parsed nor serialised again.
   */
  subscribeToCanonicalLog(options?: CanonicalLogOptions): Subscription<CanonicalEvent>;
  /** A finite stretch of the global log as canonical bytes, in position order: what audit exports are made of. */
  readCanonicalLog(range?: LogRange): AsyncIterable<CanonicalEvent>;
  /**
   * An optional capability for a store that can hand over its whole log in bulk faster than readAll (PostgreSQL:
   * one snapshot copied out stream by stream). Absent elsewhere: a rebuild then reads the log through readAll.
   */
  openStreamsSnapshot?(): Promise<StreamsSnapshot>;
  /** Position of the last committed event (0 when the log is empty). */
  headPosition(): Promise<number>;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's last revision, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** The same event id was appended again but not as an exact retry (different stream or position). */
export class DuplicateEventIdError extends Error {
  constructor(readonly eventId: string) {
    super(`Event ${eventId} is already in the log elsewhere`);
    this.name = 'DuplicateEventIdError';
  }
}
