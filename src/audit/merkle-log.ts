import type { Pool } from 'pg';
import { inTransaction } from '../database/transaction';
import type { CanonicalEvent, EventStore, Subscription } from '../event-store/event-store';
import { sha256Hex } from '../integrity/canonical';
import { Frontier, HASH_BYTES, consistencyProof, frontierNodes, inclusionProof, leafHash, rootHash, type NodeId, type NodeReader } from '../integrity/merkle';

/**
 * The global Merkle log on PostgreSQL (migrations 1763900000100-MerkleLog, 1763900000400-MerkleRuns): leaf i is
 * the canonical bytes of the i-th event of the global log. A builder follows the store's subscription, so it
 * works whatever the store's positions look like; leaf indices are dense regardless.
 */

export interface MerkleLogHead {
  /** Leaves in the log. */
  size: number;
  /** Store position of the last event logged; 0 when none. */
  position: number;
}

/** Nodes read out of their runs (migration 1763900000400-MerkleRuns): one index lookup and a 32-byte slice each. */
export class PostgresMerkleNodes implements NodeReader {
  constructor(private readonly pool: Pool) {}

  async getNodes(ids: readonly NodeId[]): Promise<Buffer[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<{ hash: Buffer }>({
      name: 'merkle_read_nodes',
      text: `SELECT substring(run.hashes FROM (wanted.node_index - run.first_index)::int * 32 + 1 FOR 32) AS hash
             FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY AS wanted(level, node_index, ord)
             CROSS JOIN LATERAL (
               SELECT first_index, hashes FROM merkle_node_runs
               WHERE level = wanted.level AND first_index <= wanted.node_index
               ORDER BY first_index DESC LIMIT 1
             ) run
             WHERE wanted.node_index < run.first_index + octet_length(run.hashes) / 32
             ORDER BY wanted.ord`,
      values: [ids.map((id) => id.level), ids.map((id) => id.index)],
    });
    if (rows.length !== ids.length) throw new Error('The Merkle log is missing stored nodes');
    return rows.map((row) => row.hash);
  }
}

async function readHead(pool: Pool): Promise<MerkleLogHead> {
  const { rows } = await pool.query<{ size: string; position: string }>('SELECT size, position FROM merkle_log_head');
  const head = rows[0];
  if (!head) throw new Error('merkle_log_head is empty: the database was not migrated');
  return { size: Number(head.size), position: Number(head.position) };
}

/** What the audit API serves: roots, proofs and exports, each from O(log n) stored nodes or a streamed range. */
export class MerkleLog {
  private readonly nodes: PostgresMerkleNodes;

  constructor(private readonly pool: Pool) {
    this.nodes = new PostgresMerkleNodes(pool);
  }

  head(): Promise<MerkleLogHead> {
    return readHead(this.pool);
  }

  async rootHash(size: number): Promise<Buffer> {
    await this.assertLogged(size);
    return rootHash(this.nodes, size);
  }

  async inclusionProof(index: number, size: number): Promise<Buffer[]> {
    await this.assertLogged(size);
    return inclusionProof(this.nodes, index, size);
  }

  async consistencyProof(from: number, to: number): Promise<Buffer[]> {
    await this.assertLogged(to);
    return consistencyProof(this.nodes, from, to);
  }

  /** The store position of the event that is leaf `index` (positions need not be dense, leaf indices are). */
  async positionOfLeaf(index: number): Promise<number> {
    if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`No leaf ${index}`);
    await this.assertLogged(index + 1);
    const { rows } = await this.pool.query<{ position: string }>({
      name: 'merkle_position_of_leaf',
      text: `SELECT positions[$1 - first_leaf + 1] AS position FROM merkle_leaf_runs
             WHERE first_leaf <= $1 ORDER BY first_leaf DESC LIMIT 1`,
      values: [index],
    });
    const position = rows[0]?.position;
    if (position === undefined || position === null) throw new Error(`The Merkle log is missing the position of leaf ${index}`);
    return Number(position);
  }

  /** The store positions of leaves `[from, to)`, in leaf order; fewer when the log has fewer. */
  async leafPositions(from: number, to: number): Promise<number[]> {
    const { rows } = await this.pool.query<{ position: string }>({
      name: 'merkle_leaf_positions',
      text: `SELECT p.position
             FROM merkle_leaf_runs run
             CROSS JOIN LATERAL unnest(run.positions) WITH ORDINALITY AS p(position, ord)
             WHERE run.first_leaf >= coalesce((SELECT max(first_leaf) FROM merkle_leaf_runs WHERE first_leaf <= $1), 0)
               AND run.first_leaf < $2 AND run.first_leaf + p.ord - 1 >= $1 AND run.first_leaf + p.ord - 1 < $2
             ORDER BY run.first_leaf + p.ord`,
      values: [from, to],
    });
    return rows.map((row) => Number(row.position));
  }

  /**
   * The stored leaf hashes (level 0) of `[from, to)`, end to end; undefined if the stored runs do not cover the
   * range without gaps (a changed tree): the lines then go without them, and the verifier relies on roots alone.
   */
  async leafHashes(from: number, to: number): Promise<Buffer | undefined> {
    const { rows } = await this.pool.query<{ first_index: string; hashes: Buffer }>({
      name: 'merkle_read_leaf_hashes',
      text: `SELECT first_index, hashes FROM merkle_node_runs
             WHERE level = 0 AND first_index < $2
               AND first_index >= coalesce((SELECT max(first_index) FROM merkle_node_runs WHERE level = 0 AND first_index <= $1), 0)
             ORDER BY first_index`,
      values: [from, to],
    });
    let covered = Number(rows[0]?.first_index ?? from + 1);
    if (covered > from) return undefined;
    const start = (from - covered) * HASH_BYTES;
    for (const row of rows) {
      if (Number(row.first_index) !== covered) return undefined;
      covered += row.hashes.length / HASH_BYTES;
    }
    if (covered < to) return undefined;
    return Buffer.concat(rows.map((row) => row.hashes)).subarray(start, start + (to - from) * HASH_BYTES);
  }

  private async assertLogged(size: number): Promise<void> {
    const { size: logged } = await this.head();
    if (!Number.isSafeInteger(size) || size < 0 || size > logged) {
      throw new RangeError(`The log has ${logged} leaves, not ${size}`);
    }
  }
}

/** The event store's log ends before the Merkle log's last leaf: it is not the log the tree was built from. */
export class ForeignEventLogError extends Error {
  constructor(logged: MerkleLogHead, storeHead: number) {
    super(
      `The Merkle log holds ${logged.size} events, up to position ${logged.position}, but the event store's log ends at ` +
        `position ${storeHead}: it is not the log the Merkle log was built from. Check EVENTSTORE_CONNECTION_STRING, ` +
        'EVENT_STORE_URL and JOURNEY_EVENT_STORE_DATABASE (a log moved to another database is moved whole, before the app starts on it)',
    );
    this.name = 'ForeignEventLogError';
  }
}

export interface MerkleLogBuilderOptions {
  /** Events per transaction. Default 500. */
  batchSize?: number;
  /** A partial batch is written at most this long after its first event arrived: the lag's bound. Default 20 ms. */
  flushAfterMs?: number;
  /** Once caught up, read the log this often rather than on every append (CanonicalLogOptions.pollEveryMs). */
  pollEveryMs?: number;
  /** Told when the builder stops on an error (a log that no longer extends is an alarm, not a retry). */
  onFailure?: (error: Error) => void;
}

/**
 * Follows the global log, as its stored canonical bytes, from where the Merkle log ends and appends one leaf per
 * event: per batch, one transaction moves the log's head and writes the new nodes and leaf positions as runs.
 * Run one per database: a second one fails on the head's compare-and-swap rather than fork the tree.
 */
export class MerkleLogBuilder {
  private frontier = Frontier.empty();
  private logged: MerkleLogHead = { size: 0, position: 0 };
  private subscription?: Subscription<CanonicalEvent>;
  private following?: Promise<void>;
  private failure?: Error;
  private waiters: { position: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  private readonly batchSize: number;
  private readonly flushAfterMs: number;

  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly options: MerkleLogBuilderOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.flushAfterMs = options.flushAfterMs ?? 20;
  }

  /** What has been logged so far: compare `position` with the store's head for the lag. */
  get head(): MerkleLogHead {
    return { ...this.logged };
  }

  /**
   * Resumes from where the log ends. Refuses an event store whose log ends before the last event already logged:
   * that is not the log this tree was built from (an emptied store, or the settings pointing at another one), and
   * following it would log a second history under the first.
   */
  async start(): Promise<void> {
    this.logged = await readHead(this.pool);
    const storeHead = await this.store.headPosition();
    if (this.logged.position > storeHead) throw new ForeignEventLogError(this.logged, storeHead);
    const frontier = await new PostgresMerkleNodes(this.pool).getNodes(frontierNodes(this.logged.size));
    this.frontier = Frontier.restore(this.logged.size, frontier);
    this.subscription = this.store.subscribeToCanonicalLog({ after: this.logged.position, pollEveryMs: this.options.pollEveryMs });
    this.following = this.follow(this.subscription).catch(async (error: Error) => {
      this.failure = error;
      this.options.onFailure?.(error);
      for (const waiter of this.waiters.splice(0)) waiter.reject(error);
      await this.subscription?.close();
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    await this.following;
  }

  /** Resolves once the event at `position` (and all before it) is in the log; rejects if the builder failed. */
  waitFor(position: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.logged.position >= position) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ position, resolve, reject }));
  }

  private async follow(subscription: Subscription<CanonicalEvent>): Promise<void> {
    const events = subscription[Symbol.asyncIterator]();
    const pending: CanonicalEvent[] = [];
    // One timer per batch, started by its first event: the batch is written when it fires or the batch is full.
    let flush: { due: Promise<'flush'>; timer: NodeJS.Timeout } | undefined;
    const write = async () => {
      clearTimeout(flush?.timer);
      flush = undefined;
      await this.append(pending.splice(0));
    };
    let next = events.next();
    for (;;) {
      const result = flush ? await Promise.race([next, flush.due]) : await next;
      if (result === 'flush') {
        await write();
        continue;
      }
      if (result.done) break;
      if (!flush) {
        let timer!: NodeJS.Timeout;
        const due = new Promise<'flush'>((resolve) => {
          timer = setTimeout(resolve, this.flushAfterMs, 'flush');
        });
        flush = { due, timer };
      }
      pending.push(result.value);
      next = events.next();
      if (pending.length >= this.batchSize) await write();
    }
    if (pending.length > 0) await write();
  }

  private async append(events: readonly CanonicalEvent[]): Promise<void> {
    const from = this.logged;
    const runs = new NodeRuns();
    const positions: number[] = [];
    for (const { canonical, position, eventHash } of events) {
      // Never log an event that does not match its own stored hash: the log would vouch for a change.
      if (sha256Hex(canonical) !== eventHash) {
        throw new Error(`The event at position ${position} does not hash to its stored eventHash`);
      }
      positions.push(position);
      this.frontier.append(leafHash(canonical), runs.add);
    }
    const to = { size: this.frontier.size, position: positions[positions.length - 1] as number };
    await inTransaction(this.pool, async (client) => {
      // The log is derived from the event log and rebuilt from where it ends: a crash may lose the last batches
      // (whole, never part of one), which the builder then writes again, identically. So its commits need not
      // wait for their own flush, nor take an appender's turn at it. A checkpoint's commit (synchronous) flushes
      // every batch it covers first, since the WAL is flushed in order.
      await client.query('SET LOCAL synchronous_commit = off');
      const moved = await client.query({
        name: 'merkle_move_head',
        text: 'UPDATE merkle_log_head SET size = $2, position = $3 WHERE id = 1 AND size = $1',
        values: [from.size, to.size, to.position],
      });
      if (moved.rowCount !== 1) throw new Error(`The Merkle log no longer ends at ${from.size} leaves: is another builder running?`);
      await client.query({
        name: 'merkle_insert_node_runs',
        text: `INSERT INTO merkle_node_runs (level, first_index, hashes)
               SELECT level, first_index, substring($3::bytea FROM start_byte + 1 FOR byte_count)
               FROM unnest($1::smallint[], $2::bigint[], $4::int[], $5::int[]) AS run(level, first_index, start_byte, byte_count)`,
        values: runs.parameters(),
      });
      await client.query({
        name: 'merkle_insert_leaf_run',
        text: 'INSERT INTO merkle_leaf_runs (first_leaf, positions) VALUES ($1, $2::bigint[])',
        values: [from.size, positions],
      });
    });
    this.logged = to;
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.position > this.logged.position) return true;
      waiter.resolve();
      return false;
    });
  }
}

/**
 * The nodes one batch completes, as one run per level: a level's nodes complete left to right, so those of a
 * batch are contiguous. Sent as one binary parameter of all hashes, cut into runs by byte offsets in SQL.
 */
class NodeRuns {
  private readonly runs: { level: number; firstIndex: number; hashes: Buffer[] }[] = [];

  readonly add = (level: number, index: number, hash: Buffer): void => {
    const run = this.runs[level];
    if (!run) {
      this.runs[level] = { level, firstIndex: index, hashes: [hash] };
      return;
    }
    if (index !== run.firstIndex + run.hashes.length) throw new Error(`Merkle node ${level}/${index} is out of order`);
    run.hashes.push(hash);
  };

  parameters(): [number[], number[], Buffer, number[], number[]] {
    const runs = this.runs.filter((run) => run !== undefined);
    const starts: number[] = [];
    let offset = 0;
    for (const run of runs) {
      starts.push(offset);
      offset += run.hashes.length * HASH_BYTES;
    }
    return [
      runs.map((run) => run.level),
      runs.map((run) => run.firstIndex),
      Buffer.concat(
        runs.flatMap((run) => run.hashes),
        offset,
      ),
      starts,
      runs.map((run) => run.hashes.length * HASH_BYTES),
    ];
  }
}
