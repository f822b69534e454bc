import type { DataSource, EntityManager } from 'typeorm';
import type { EventStore, RecordedEvent } from '../event-store/event-store';
import { lockCheckpoints, saveCheckpoints } from './checkpoints';
import { inBatches } from './in-batches';
import { readAhead } from './read-ahead';
import { PendingChanges } from './pending-changes';
import { historiesFor, personsIn, projectEvents, type Histories } from './project-events';
import { readModelsNamed, type ReadModel } from './read-models';

export interface RebuildOptions {
  /** One projection by name; all when absent. */
  name?: string;
  /** Events projected between writes. Default 5000. */
  batchSize?: number;
  /** Persons whose one-per-person row is kept in memory between writes. Default 100,000. */
  rowsInMemory?: number;
  /** Told of the position reached and the log's head as the rebuild goes. */
  onProgress?: (position: number, head: number) => void;
}

export interface RebuildSummary {
  projections: string[];
  /** Events read from the log (all of it, up to `position`). */
  events: number;
  position: number;
  seconds: number;
  eventsPerSec: number;
  rows: Record<string, number>;
}

const shadowOf = (model: ReadModel) => `${model.table.name}_next`;

/**
 * Rebuilds read models from the whole log into fresh tables, then swaps them in, in one transaction that also
 * sets their checkpoints. Until the swap, queries (and the runner) keep using the live tables. The swap locks
 * the checkpoints, so a running runner waits for it and then carries on from the rebuilt position.
 * A rebuild that fails leaves the live tables as they were; the next one starts afresh.
 */
export async function rebuild(store: EventStore, dataSource: DataSource, options: RebuildOptions = {}): Promise<RebuildSummary> {
  const started = process.hrtime.bigint();
  const models = readModelsNamed(options.name);
  const batchSize = options.batchSize ?? 5000;
  for (const model of models) {
    await dataSource.query(`DROP TABLE IF EXISTS ${shadowOf(model)}`);
    await dataSource.query(`CREATE TABLE ${shadowOf(model)} (LIKE ${model.table.name} INCLUDING ALL)`);
  }
  const shadows = models.map((model) => new ShadowTable(model, dataSource, options.rowsInMemory ?? 100_000));
  let position = 0;
  let events = 0;
  const project = async (batch: RecordedEvent[]) => {
    const histories = await historiesFor(store, batch);
    for (const shadow of shadows) await shadow.add(batch, histories);
    position = batch[batch.length - 1]!.position;
    events += batch.length;
  };

  // Catch up outside any lock until close to the head; the last few events are projected under the lock.
  let head = await store.headPosition();
  while (head - position > batchSize) {
    for await (const batch of inBatches(readAhead(store.readAll({ after: position }), 2 * batchSize), batchSize, Infinity)) {
      await project(batch);
      options.onProgress?.(position, Math.max(head, position));
    }
    head = await store.headPosition();
  }
  const names = models.map((model) => model.projection.name);
  await dataSource.transaction(async (manager) => {
    await lockCheckpoints(manager, names);
    for await (const batch of inBatches(store.readAll({ after: position }), batchSize, Infinity)) await project(batch);
    for (const shadow of shadows) await shadow.finish();
    for (const model of models) await swapIn(manager, model.table.name, shadowOf(model));
    await saveCheckpoints(manager, names, position);
  });
  options.onProgress?.(position, position);

  const rows: Record<string, number> = {};
  for (const model of models) {
    const [{ count }] = await dataSource.query(`SELECT count(*) AS count FROM ${model.table.name}`);
    rows[model.projection.name] = Number(count);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { projections: names, events, position, seconds, eventsPerSec: Math.round(events / seconds), rows };
}

/**
 * One read model being rebuilt. Rows are written in large multi-row statements, with one write in flight while
 * the next events are projected. One-per-person rows stay in memory across batches (the fresh table is ours
 * alone) and are written when memory is full or at the end, so a person's row is written about once.
 */
class ShadowTable<Row> {
  private pending: PendingChanges<Row>;
  /** Once rows were written, a person not in memory may have one in the table. */
  private rowsWritten = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly model: ReadModel<Row>,
    private readonly dataSource: DataSource,
    private readonly rowsInMemory: number,
  ) {
    this.pending = new PendingChanges(model.projection);
  }

  async add(events: readonly RecordedEvent[], histories: Histories): Promise<void> {
    const { projection, table } = this.model;
    const stored = new Map<string, Row>();
    if (projection.onePerPerson && this.rowsWritten) {
      await this.writing;
      const missing = personsIn(events).filter((personId) => !this.pending.touches(personId));
      for (const row of await table.load(this.dataSource.manager, shadowOf(this.model), missing)) stored.set(projection.personOf(row), row);
    }
    projectEvents(projection, events, this.pending, (personId) => stored.get(personId), histories);
    if (!projection.onePerPerson || this.pending.personCount >= this.rowsInMemory) await this.write();
  }

  async finish(): Promise<void> {
    await this.write();
    await this.writing;
  }

  /** Starts writing what is pending once the previous write is done; does not wait for this one. */
  private async write(): Promise<void> {
    await this.writing;
    const written = this.pending;
    this.pending = new PendingChanges(this.model.projection);
    this.rowsWritten = true;
    const { table } = this.model;
    const manager: EntityManager = this.dataSource.manager;
    this.writing = (async () => {
      await table.deletePersons(manager, shadowOf(this.model), written.replacedPersons());
      await table.upsert(manager, shadowOf(this.model), written.rows());
    })();
    // Awaited by the next write or finish(); marked handled so a failure surfaces there, not as a crash.
    this.writing.catch(() => undefined);
  }
}

/**
 * Replaces the live table by the rebuilt one; the rebuilt table's indexes take the names the live ones had
 * (matched by definition), so the schema reads the same after any number of rebuilds.
 */
async function swapIn(manager: EntityManager, live: string, shadow: string): Promise<void> {
  const indexesOf = async (table: string): Promise<{ name: string; definition: string }[]> =>
    manager.query(
      `SELECT i.relname AS name, regexp_replace(pg_get_indexdef(i.oid), '^.* USING ', '') AS definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       WHERE x.indrelid = $1::regclass`,
      [table],
    );
  const liveIndexes = await indexesOf(live);
  const shadowIndexes = await indexesOf(shadow);
  await manager.query(`DROP TABLE ${live}`);
  await manager.query(`ALTER TABLE ${shadow} RENAME TO ${live}`);
  for (const index of shadowIndexes) {
    const same = liveIndexes.find((candidate) => candidate.definition === index.definition);
    if (same && same.name !== index.name) await manager.query(`ALTER INDEX ${index.name} RENAME TO ${same.name}`);
  }
}
