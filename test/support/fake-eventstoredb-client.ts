import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  BACKWARDS,
  END,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type EventStoreDbClient,
  type Filter,
  type Position,
  type ReadPosition,
} from '../../src/event-store/eventstoredb-client';

/**
 * A stand-in for an EventStoreDB server behind the gRPC client's calls, for the adapter's tests that need no server:
 * it implements the client calls the adapter makes (eventstoredb-client.ts's EventStoreDbClient) with the client's
 * shapes (reads and subscriptions are object-mode Readables, positions are bigints, errors are the client's own
 * classes), and the server's rules as its documentation states them: one $all log in commit order with positions
 * that have gaps, streams with revisions checked by expectedRevision, system events in $all, data and metadata
 * stored as JSON (read back as parsed JSON, frozen: the adapter must not change what it reads), reads that include their start position, subscriptions that start after it, server-side
 * filters with checkpoints every 32 scanned events, a "caught up" message once a subscription goes live.
 *
 * Faults are injected per call: failNext() makes the next call of a kind fail (after some items, for reads and
 * subscriptions; after storing, for an append whose answer is lost), dropSubscriptions() fails every live one.
 */
export class FakeEventStoreDb {
  /** Each call the adapter made, with its options: what the server was asked for. */
  readonly calls: { call: Call; options: unknown }[] = [];
  private readonly log: StoredRecord[] = [];
  private readonly streams = new Map<string, StoredRecord[]>();
  private readonly live = new Set<FakeSubscription>();
  private readonly faults: Fault[] = [];
  private nextPosition: bigint;

  private readonly caughtUpAs: 'message' | 'checkpoint';

  /**
   * `caughtUpAs`: how a subscription says it went live: a "caught up" message (servers from 23.10), or, as older
   * servers did, only a filter checkpoint at that point.
   */
  constructor(options: { firstPosition?: bigint; caughtUpAs?: 'message' | 'checkpoint' } = {}) {
    this.nextPosition = options.firstPosition ?? 1_000n;
    this.caughtUpAs = options.caughtUpAs ?? 'message';
  }

  /** A client over this server: stores opened on several clients share one log, as separate processes would. */
  client(): EventStoreDbClient {
    const client: Record<Call | 'dispose', unknown> = {
      appendToStream: (streamName: string, events: EventData | EventData[], options?: { expectedRevision?: Expected }) =>
        this.appendToStream(streamName, Array.isArray(events) ? events : [events], options?.expectedRevision ?? 'any'),
      readStream: (streamName: string, options: ReadStreamOptions = {}) => this.readStream(streamName, options),
      readAll: (options: ReadAllOptions = {}) => this.readAll(options),
      subscribeToAll: (options: SubscribeOptions = {}) => this.subscribeToAll(options),
      dispose: async () => undefined,
    };
    return client as unknown as EventStoreDbClient;
  }

  /** The next call of this kind fails with `error`: after `afterItems` items, or (appends) after storing its events. */
  failNext(call: Call, error: Error, options: { afterItems?: number; afterStoring?: boolean } = {}): void {
    this.faults.push({ call, error, afterItems: options.afterItems ?? 0, afterStoring: options.afterStoring ?? false });
  }

  /** Every live subscription fails now, as when the node it is connected to goes away. */
  dropSubscriptions(error: Error): void {
    for (const subscription of this.live) subscription.fail(error);
  }

  /** An event the server writes for itself ($stats and the like): in $all, never the adapter's. */
  writeSystemEvent(): void {
    this.store('$stats-127.0.0.1:2113', [{ id: randomUUID(), type: '$statsCollected', data: {}, metadata: {}, contentType: 'application/json' }]);
  }

  get liveSubscriptions(): number {
    return this.live.size;
  }

  private async appendToStream(streamName: string, events: EventData[], expected: Expected) {
    this.calls.push({ call: 'appendToStream', options: { streamName, expectedRevision: expected } });
    await new Promise((resolve) => setImmediate(resolve));
    const fault = this.takeFault('appendToStream');
    if (fault && !fault.afterStoring) throw fault.error;
    const current = this.revisionOf(streamName);
    const met =
      expected === 'any' ||
      (expected === 'no_stream' && current === undefined) ||
      (expected === 'stream_exists' && current !== undefined) ||
      (typeof expected === 'bigint' && current === expected);
    if (!met) throw new WrongExpectedVersionError(undefined, { streamName, expected, current: current ?? 'no_stream' });
    const last = this.store(streamName, events);
    if (fault) throw fault.error;
    return { success: true, nextExpectedRevision: last.revision, position: last.position };
  }

  private readStream(streamName: string, { direction, fromRevision = direction === BACKWARDS ? END : START, maxCount = Infinity }: ReadStreamOptions) {
    this.calls.push({ call: 'readStream', options: { streamName, direction, fromRevision, maxCount } });
    const stream = this.streams.get(streamName) ?? [];
    if (stream.length === 0) return this.faulty('readStream', [], new StreamNotFoundError(undefined, streamName));
    // A stream's revisions are its indexes: 0, 1, 2...
    const last = stream.length - 1;
    const from = fromRevision === START ? 0 : fromRevision === END ? last : Number(fromRevision);
    const count = Math.min(Number(maxCount), stream.length);
    const selected =
      direction === BACKWARDS
        ? stream.slice(Math.max(0, Math.min(from, last) + 1 - count), Math.min(from, last) + 1).reverse()
        : stream.slice(from, from + count);
    return this.faulty('readStream', selected);
  }

  private readAll({ direction, fromPosition = direction === BACKWARDS ? END : START, maxCount = Infinity, ...rest }: ReadAllOptions) {
    this.calls.push({ call: 'readAll', options: { direction, fromPosition, maxCount, ...rest } });
    const ordered = direction === BACKWARDS ? [...this.log].reverse() : this.log;
    const from = typeof fromPosition === 'object' ? fromPosition.commit : undefined;
    const selected = ordered.filter(
      (record) => from === undefined || (direction === BACKWARDS ? record.position.commit <= from : record.position.commit >= from),
    );
    return this.faulty('readAll', selected.slice(0, Number(maxCount)));
  }

  private subscribeToAll({ fromPosition = START, filter }: SubscribeOptions) {
    this.calls.push({ call: 'subscribeToAll', options: { fromPosition, filter } });
    const fault = this.takeFault('subscribeToAll');
    const after = typeof fromPosition === 'object' ? fromPosition.commit : fromPosition === END ? (this.log.at(-1)?.position.commit ?? 0n) : -1n;
    const subscription = new FakeSubscription(filter, fault, (ended) => this.live.delete(ended));
    // The server answers on its own time: the catch-up starts after the call returns.
    setImmediate(() => {
      subscription.catchUp(
        this.log.filter((record) => record.position.commit > after),
        this.caughtUpAs,
      );
      if (!subscription.ended) this.live.add(subscription);
    });
    return subscription;
  }

  private store(streamId: string, events: EventData[]): StoredRecord {
    let revision = this.revisionOf(streamId) ?? -1n;
    const stored = events.map((event) => {
      const data = JSON.stringify(event.data);
      const metadata = JSON.stringify(event.metadata ?? {});
      const commit = this.nextPosition;
      // Positions are byte offsets in the server's log: every record moves it on by its size.
      this.nextPosition += BigInt(100 + data.length + metadata.length);
      revision += 1n;
      // Parsed once, not on every read as the client does: the same values, at a fraction of the cost.
      return {
        streamId,
        id: event.id,
        type: event.type,
        revision,
        data: frozenJson(data),
        metadata: frozenJson(metadata),
        position: { commit, prepare: commit },
      };
    });
    this.log.push(...stored);
    const stream = this.streams.get(streamId) ?? [];
    stream.push(...stored);
    this.streams.set(streamId, stream);
    for (const subscription of this.live) subscription.deliver(stored);
    return stored[stored.length - 1] as StoredRecord;
  }

  private revisionOf(streamId: string): bigint | undefined {
    return this.streams.get(streamId)?.at(-1)?.revision;
  }

  private takeFault(call: Call): Fault | undefined {
    const index = this.faults.findIndex((fault) => fault.call === call);
    return index < 0 ? undefined : this.faults.splice(index, 1)[0];
  }

  /** A read of these records, cut off by the next fault injected for the call, else ended by `error` if given. */
  private faulty(call: Call, records: StoredRecord[], error?: Error): FakeRead {
    const fault = this.takeFault(call);
    return fault ? new FakeRead(records.slice(0, fault.afterItems), fault.error) : new FakeRead(records, error);
  }
}

type Call = 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll';
type Expected = 'any' | 'no_stream' | 'stream_exists' | bigint;

interface EventData {
  id: string;
  type: string;
  data: unknown;
  metadata?: unknown;
  contentType: string;
}

interface ReadStreamOptions {
  direction?: string;
  fromRevision?: typeof START | typeof END | bigint;
  maxCount?: number | bigint;
}

interface ReadAllOptions {
  direction?: string;
  fromPosition?: ReadPosition;
  maxCount?: number | bigint;
}

interface SubscribeOptions {
  fromPosition?: ReadPosition;
  filter?: Filter;
}

interface StoredRecord {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  /** What the client reads back: the JSON the server keeps, parsed. */
  data: unknown;
  metadata: unknown;
  position: Position;
}

interface Fault {
  call: Call;
  error: Error;
  afterItems: number;
  afterStoring: boolean;
}

function frozenJson(json: string): unknown {
  return JSON.parse(json, (_, value: unknown) => (typeof value === 'object' && value !== null ? Object.freeze(value) : value));
}

/** What the client makes of a stored record (its convertGrpcEvent). */
function resolved(record: StoredRecord): AllStreamResolvedEvent {
  return {
    event: {
      streamId: record.streamId,
      id: record.id,
      isJson: true,
      revision: record.revision,
      type: record.type,
      created: new Date(),
      data: record.data as never,
      metadata: record.metadata as never,
      position: record.position,
    },
    commitPosition: record.position.commit,
  };
}

/** A read call (the client's StreamingRead): its records, then its error if it has one. */
class FakeRead extends Readable {
  private next = 0;

  constructor(
    private readonly records: StoredRecord[],
    private readonly error?: Error,
  ) {
    super({ objectMode: true });
  }

  override _read(): void {
    const record = this.records[this.next++];
    if (record) this.push(resolved(record));
    else if (this.error) this.destroy(this.error);
    else this.push(null);
  }

  async cancel(): Promise<void> {
    this.destroy();
  }
}

/**
 * A subscription call (the client's AllStreamSubscription): events after its start that pass its filter, the
 * filter's checkpoints, "caughtUp" once the stored events are sent, then live events. It fails the way the client
 * reports a broken call: an "error" event, after which nothing more comes.
 */
class FakeSubscription extends Readable {
  ended = false;
  private sent = 0;
  private scanned = 0;

  constructor(
    private readonly serverFilter: Filter | undefined,
    private readonly fault: Fault | undefined,
    private readonly onEnd: (subscription: FakeSubscription) => void,
  ) {
    super({ objectMode: true });
  }

  override _read(): void {}

  catchUp(records: StoredRecord[], caughtUpAs: 'message' | 'checkpoint'): void {
    if (this.fault?.afterItems === 0) return this.fail(this.fault.error);
    this.deliver(records);
    const last = records.at(-1);
    if (this.ended) return;
    if (caughtUpAs === 'message') this.emit('caughtUp');
    else if (last) void this.serverFilter?.checkpointReached?.(this as never, last.position);
  }

  deliver(records: StoredRecord[]): void {
    for (const record of records) {
      if (this.ended) return;
      this.scanned += 1;
      if (this.passes(record)) {
        if (this.fault && this.sent === this.fault.afterItems) return this.fail(this.fault.error);
        this.push(resolved(record));
        this.sent += 1;
      }
      if (this.serverFilter && this.scanned % (32 * this.serverFilter.checkpointInterval) === 0) {
        void this.serverFilter.checkpointReached?.(this as never, record.position);
      }
    }
  }

  fail(error: Error): void {
    this.end();
    this.emit('error', error);
  }

  async unsubscribe(): Promise<void> {
    this.end();
  }

  private end(): void {
    this.ended = true;
    this.onEnd(this);
  }

  private passes(record: StoredRecord): boolean {
    const filter = this.serverFilter;
    if (!filter) return true;
    const subject = filter.filterOn === 'streamName' ? record.streamId : record.type;
    if ('prefixes' in filter) return filter.prefixes.some((prefix) => subject.startsWith(prefix));
    return new RegExp(filter.regex).test(subject);
  }
}
