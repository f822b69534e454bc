import type { Pool } from 'pg';
import type { AllSubscription, EventStore, RecordedEvent } from '../event-store/event-store';
import { canonicalBytes, sha256Hex } from './canonical';
import {
  Frontier,
  consistencyProof,
  frontierNodes,
  inclusionProof,
  leafHash,
  rootHash,
  type NodeId,
  type NodeReader,
} from './merkle';
import { exportLine } from './verify-export';

/**
 * The global Merkle log on PostgreSQL (migration 1763900000100-MerkleLog): leaf i is the canonical bytes of the
 * i-th event of the global log. A builder follows the store's subscription, so it works whatever the store's
 * positions look like; leaf indices are dense regardless.
 */

export interface MerkleLogHead {
  /** Leaves in the log. */
  size: number;
  /** Store position of the last event logged; 0 when none. */
  position: number;
}

export class PostgresMerkleNodes implements NodeReader {
  constructor(private readonly pool: Pool) {}

  async getNodes(ids: readonly NodeId[]): Promise<Buffer[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<{ hash: Buffer }>({
      name: 'merkle_read_nodes',
      text: `SELECT n.hash FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY AS wanted(level, node_index, ord)
             JOIN merkle_nodes n USING (level, node_index) ORDER BY wanted.ord`,
      values: [ids.map((id) => id.level), ids.map((id) => id.index)],
    });
    if (rows.length !== ids.length) throw new Error('The Merkle log is missing stored nodes');
    return rows.map((row) => row.hash);
  }
}

async function readHead(pool: Pool): Promise<MerkleLogHead> {
  const { rows } = await pool.query<{ leaf_index: string; position: string }>(
    'SELECT leaf_index, position FROM merkle_leaves ORDER BY leaf_index DESC LIMIT 1',
  );
  const last = rows[0];
  return last ? { size: Number(last.leaf_index) + 1, position: Number(last.position) } : { size: 0, position: 0 };
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

  /**
   * Export lines for leaves `[from, to)`, read in pages. A leaf whose event row is gone yields no line, so the
   * verifier names it missing.
   */
  async *exportLines(from: number, to: number, pageSize = 1000): AsyncIterable<string> {
    let next = from;
    while (next < to) {
      const { rows } = await this.pool.query<{ leaf_index: string; canonical: Buffer | null; event_hash: Buffer | null }>({
        name: 'merkle_export_page',
        text: `SELECT l.leaf_index, e.canonical, e.event_hash FROM merkle_leaves l
               LEFT JOIN events e ON e.position = l.position
               WHERE l.leaf_index >= $1 AND l.leaf_index < $2 ORDER BY l.leaf_index LIMIT $3`,
        values: [next, to, pageSize],
      });
      for (const row of rows) {
        if (row.canonical && row.event_hash) {
          yield exportLine(Number(row.leaf_index), row.canonical, row.event_hash.toString('hex'));
        }
      }
      if (rows.length < pageSize) return;
      next = Number(rows[rows.length - 1]?.leaf_index) + 1;
    }
  }

  private async assertLogged(size: number): Promise<void> {
    const { size: logged } = await this.head();
    if (!Number.isSafeInteger(size) || size < 0 || size > logged) {
      throw new RangeError(`The log has ${logged} leaves, not ${size}`);
    }
  }
}

export interface MerkleLogBuilderOptions {
  /** Events per transaction. Default 500. */
  batchSize?: number;
  /** A partial batch is written after this long without another event. Default 20 ms. */
  flushAfterMs?: number;
}

/**
 * Follows the global log from where the Merkle log ends and appends one leaf per event, writing the new nodes,
 * leaves and nothing else in one transaction per batch. Run one per database: a second one fails on the
 * primary keys rather than fork the tree.
 */
export class MerkleLogBuilder {
  private frontier = Frontier.empty();
  private logged: MerkleLogHead = { size: 0, position: 0 };
  private subscription?: AllSubscription;
  private following?: Promise<void>;
  private failure?: Error;
  private waiters: { position: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  private readonly batchSize: number;
  private readonly flushAfterMs: number;

  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    options: MerkleLogBuilderOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.flushAfterMs = options.flushAfterMs ?? 20;
  }

  /** What has been logged so far: compare `position` with the store's head for the lag. */
  get head(): MerkleLogHead {
    return { ...this.logged };
  }

  async start(): Promise<void> {
    this.logged = await readHead(this.pool);
    const frontier = await new PostgresMerkleNodes(this.pool).getNodes(frontierNodes(this.logged.size));
    this.frontier = Frontier.restore(this.logged.size, frontier);
    this.subscription = this.store.subscribeToAll({ after: this.logged.position });
    this.following = this.follow(this.subscription).catch(async (error: Error) => {
      this.failure = error;
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

  private async follow(subscription: AllSubscription): Promise<void> {
    const events = subscription[Symbol.asyncIterator]();
    const pending: RecordedEvent[] = [];
    let next = events.next();
    for (;;) {
      const result = pending.length === 0 ? await next : await settledWithin(next, this.flushAfterMs);
      if (result === undefined) {
        await this.append(pending.splice(0));
        continue;
      }
      if (result.done) break;
      pending.push(result.value);
      next = events.next();
      if (pending.length >= this.batchSize) await this.append(pending.splice(0));
    }
    if (pending.length > 0) await this.append(pending);
  }

  private async append(events: readonly RecordedEvent[]): Promise<void> {
    const nodes = { levels: [] as number[], indices: [] as number[], hashes: [] as Buffer[] };
    const leaves = { indices: [] as number[], positions: [] as number[] };
    for (const event of events) {
      const canonical = canonicalBytes(event);
      // Never log an event that does not match its own stored hash: the log would vouch for a change.
      if (sha256Hex(canonical) !== event.eventHash) {
        throw new Error(`The event at position ${event.position} does not hash to its stored eventHash`);
      }
      leaves.indices.push(this.frontier.size);
      leaves.positions.push(event.position);
      this.frontier.append(leafHash(canonical), (level, index, hash) => {
        nodes.levels.push(level);
        nodes.indices.push(index);
        nodes.hashes.push(hash);
      });
    }
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query({
        name: 'merkle_insert_nodes',
        text: 'INSERT INTO merkle_nodes (level, node_index, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])',
        values: [nodes.levels, nodes.indices, nodes.hashes],
      });
      await client.query({
        name: 'merkle_insert_leaves',
        text: 'INSERT INTO merkle_leaves (leaf_index, position) SELECT * FROM unnest($1::bigint[], $2::bigint[])',
        values: [leaves.indices, leaves.positions],
      });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
    this.logged = { size: this.frontier.size, position: leaves.positions[leaves.positions.length - 1] as number };
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.position > this.logged.position) return true;
      waiter.resolve();
      return false;
    });
  }
}

/** The promise's value if it settles within `ms`, else undefined (the promise stays usable). */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
