import { Client, type ClientConfig } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import type { ProjectedEvent } from '../../projections/projection';
import type { EventStore, RecordedEvent, StreamsSnapshot } from '../event-store/event-store';
import { upcast } from '../journey/domain/upcasters';
import { lockCheckpoints, saveCheckpoints } from './checkpoints';
import { inBatches } from './in-batches';
import { dataErrorCode, replaceParked, type NewPark, type ParkedPlace } from './parked-events';
import { historiesFor, historiesInStream, rowsOfStream, rowsOfStreamParking } from './project-events';
import { projectOrPark } from './projection-runner';
import { readModelsNamed, type ReadModel } from './read-models';
import { TableLoad } from './table-load';

export interface RebuildOptions {
  /** One projection by name; all when absent. */
  name?: string;
  /**
   * Load the bulk of the log through the store's snapshot (EventStore.openStreamsSnapshot) where it offers one:
   * the fast path. Default true; false sends every event through the runner's path, as for any store.
   */
  bulkLoad?: boolean;
  /** Events per transaction on the runner's path. Default 5000. */
  batchSize?: number;
  /**
   * Told how far the rebuild is: events projected, out of the log's head (positions are dense on PostgreSQL),
   * once as it starts, then as it goes.
   */
  onProgress?: (events: number, head: number) => void;
}

export interface RebuildSummary {
  projections: string[];
  /** Events read from the log (all of it, up to `position`). */
  events: number;
  position: number;
  seconds: number;
  eventsPerSec: number;
  rows: Record<string, number>;
  /** Events parked by the rebuilt read models (see parked-events.ts). */
  parked: number;
}

const shadowOf = (model: ReadModel) => `${model.table.name}_next`;

/** Where a read model's events that it cannot apply are parked during a rebuild. */
type ParkFor = (model: ReadModel) => (event: ParkedPlace, errorClass: string) => void;

/** Events between two progress reports while loading. */
const PROGRESS_EVERY = 20_000;

/**
 * Rebuilds read models from the whole log into fresh tables, then swaps them in, in one transaction that also
 * sets their checkpoints. Until the swap, queries (and the runner) keep using the live tables. The swap locks
 * the checkpoints, so a running runner waits for it and then carries on from the rebuilt position.
 * A rebuild that fails leaves the live tables as they were; the next one starts afresh.
 *
 * Where the store offers a snapshot of its log (PostgreSQL), the bulk of it is loaded on a fast path (loadFromLog)
 * whose rows equal the runner's; the events appended meanwhile, or all of them for another store, then go through
 * the runner's own path, batch by batch, the last ones under the checkpoints' lock.
 *
 * An event a projection cannot apply is parked, as the runner parks it, and the rebuilt read model's parks replace
 * its old ones at the swap. On the fast path a stream whose fold throws is folded again event by event (parking
 * the events that throw); a row PostgreSQL refuses fails the COPY, which cannot skip it, so that rebuild starts
 * again on the runner's path, which can.
 */
export async function rebuild(store: EventStore, dataSource: DataSource, options: RebuildOptions = {}): Promise<RebuildSummary> {
  const started = process.hrtime.bigint();
  const models = readModelsNamed(options.name);
  const batchSize = options.batchSize ?? 5000;
  // Events the rebuilt read models cannot apply: parked as the runner parks them, swapped in with the tables.
  const parked: NewPark[] = [];
  const parkFor: ParkFor = (model) => (event, errorClass) =>
    void parked.push({ projection: model.projection.name, position: event.position, streamId: event.streamId, errorClass });
  await createShadows(dataSource, models);
  let position = 0;
  let events = 0;
  if (store.openStreamsSnapshot && (options.bulkLoad ?? true)) {
    try {
      ({ position, events } = await loadFromLog(await store.openStreamsSnapshot(), dataSource, models, parkFor, options.onProgress));
    } catch (error) {
      // PostgreSQL refused a row (U+0000 in jsonb, say): a COPY cannot skip it, the runner's path below can, so
      // the whole log goes that way, slower.
      if (dataErrorCode(error) === undefined) throw error;
      parked.length = 0;
      await createShadows(dataSource, models);
    }
  }
  await Promise.all(models.map((model) => indexLikeLive(dataSource, model)));

  const project = async (manager: EntityManager, batch: readonly RecordedEvent[]) => {
    const histories = await historiesFor(store, batch);
    for (const model of models) await projectOrPark(manager, model, shadowOf(model), batch, histories, parkFor(model));
    position = batch[batch.length - 1]!.position;
    events += batch.length;
  };
  let head = await store.headPosition();
  while (head - position > batchSize) {
    for await (const batch of inBatches(store.readAll({ after: position }), batchSize, Infinity)) {
      await dataSource.transaction((manager) => project(manager, batch));
      options.onProgress?.(position, Math.max(head, position));
    }
    head = await store.headPosition();
  }
  const names = models.map((model) => model.projection.name);
  await dataSource.transaction(async (manager) => {
    await lockCheckpoints(manager, names);
    for await (const batch of inBatches(store.readAll({ after: position }), batchSize, Infinity)) await project(manager, batch);
    for (const model of models) await swapIn(manager, model.table.name, shadowOf(model));
    await saveCheckpoints(manager, names, position);
    await replaceParked(manager, names, parked);
  });
  options.onProgress?.(position, position);

  const rows: Record<string, number> = {};
  for (const model of models) {
    const [{ count }] = await dataSource.query<{ count: string }[]>(`SELECT count(*) AS count FROM ${model.table.name}`);
    rows[model.projection.name] = Number(count);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { projections: names, events, position, seconds, eventsPerSec: Math.round(events / seconds), rows, parked: parked.length };
}

/**
 * The fast path: the log as it is now (the store's snapshot), stream by stream, each person's rows folded in
 * memory by the runner's code (rowsOfStream) and streamed with COPY into the fresh tables, which have no index
 * yet. Reading, projecting and writing overlap: the servers copy out and in on their own connections while this
 * process projects. Returns the position loaded up to and the events read.
 */
async function loadFromLog(
  snapshot: StreamsSnapshot,
  dataSource: DataSource,
  models: readonly ReadModel[],
  parkFor: ParkFor,
  onProgress: RebuildOptions['onProgress'],
): Promise<{ position: number; events: number }> {
  const writers = models.map(() => connectionTo(dataSource));
  try {
    await Promise.all(writers.map((writer) => writer.connect()));
    const { head } = snapshot;
    onProgress?.(0, head);
    const loads = models.map((model, index) => new TableLoad(writers[index]!, model.table, shadowOf(model)));
    let events = 0;
    let reported = 0;
    for await (const streams of snapshot.streams) {
      for (const stream of streams) {
        events += stream.length;
        const rows = rowsOfStreamByModel(models, stream, parkFor);
        models.forEach((_, index) => loads[index]!.add(rows[index]!));
      }
      await Promise.all(loads.map((load) => load.ready()));
      if (events - reported >= PROGRESS_EVERY) onProgress?.((reported = events), head);
    }
    await Promise.all(loads.map((load) => load.end()));
    return { position: head, events };
  } finally {
    // After a failure, closing the connections is what ends their COPY (and rolls it back).
    await Promise.all([snapshot.close(), ...writers.map((writer) => writer.end())]);
  }
}

/** Each read model's rows of one whole stream; a stream that breaks a projection is folded again, parking what breaks it. */
function rowsOfStreamByModel(models: readonly ReadModel[], stream: readonly ProjectedEvent[], parkFor: ParkFor): unknown[][] {
  try {
    const histories = historiesInStream(stream);
    // Upcast once for every read model (upcasting a current event gives it back as it is).
    const current = stream.map(upcast);
    return models.map((model) => rowsOfStream(model.projection, current, histories));
  } catch {
    return models.map((model) => rowsOfStreamParking(model.projection, stream, parkFor(model)));
  }
}

async function createShadows(dataSource: DataSource, models: readonly ReadModel[]): Promise<void> {
  for (const model of models) {
    await dataSource.query(`DROP TABLE IF EXISTS ${shadowOf(model)}`);
    await dataSource.query(`CREATE TABLE ${shadowOf(model)} (LIKE ${model.table.name} INCLUDING ALL EXCLUDING INDEXES)`);
  }
}

/** A connection of its own to the data source's database: a COPY holds it from start to end. */
function connectionTo(dataSource: DataSource): Client {
  const { url, host, port, username, password, database, ssl } = dataSource.options as PostgresDataSourceOptions;
  const connection = new Client({ connectionString: url, host, port, user: username, password, database, ssl: ssl as ClientConfig['ssl'] });
  // A failure while a statement runs reaches that statement; one between statements is left to the next.
  connection.on('error', () => undefined);
  return connection;
}

interface TableIndex {
  name: string;
  /** From `USING` on (method, columns, predicate): the same for the same index on another table. */
  definition: string;
  unique: boolean;
  /** The primary key or unique constraint the index backs, if any. */
  constraint: string | null;
}

function indexesOf(manager: EntityManager, table: string): Promise<TableIndex[]> {
  return manager.query(
    `SELECT i.relname AS name, regexp_replace(pg_get_indexdef(i.oid), '^.* USING ', '') AS definition,
            x.indisunique AS unique, pg_get_constraintdef(c.oid) AS constraint
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
     WHERE x.indrelid = $1::regclass`,
    [table],
  );
}

/**
 * Gives the loaded table the live table's keys and indexes: built once over all the rows, which is much cheaper
 * than keeping them up to date row by row; then the planner's statistics, so queries are planned well after the swap.
 */
async function indexLikeLive(dataSource: DataSource, model: ReadModel): Promise<void> {
  const shadow = shadowOf(model);
  await dataSource.transaction(async (manager) => {
    await manager.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    for (const index of await indexesOf(manager, model.table.name)) {
      if (index.constraint) await manager.query(`ALTER TABLE ${shadow} ADD ${index.constraint}`);
      else await manager.query(`CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ON ${shadow} USING ${index.definition}`);
    }
    await manager.query(`ANALYZE ${shadow}`);
  });
}

/**
 * Replaces the live table by the rebuilt one; the rebuilt table's indexes take the names the live ones had
 * (matched by definition), so the schema reads the same after any number of rebuilds.
 */
async function swapIn(manager: EntityManager, live: string, shadow: string): Promise<void> {
  const liveIndexes = await indexesOf(manager, live);
  const shadowIndexes = await indexesOf(manager, shadow);
  await manager.query(`DROP TABLE ${live}`);
  await manager.query(`ALTER TABLE ${shadow} RENAME TO ${live}`);
  for (const index of shadowIndexes) {
    const same = liveIndexes.find((candidate) => candidate.definition === index.definition);
    if (same && same.name !== index.name) await manager.query(`ALTER INDEX ${index.name} RENAME TO ${same.name}`);
  }
}
