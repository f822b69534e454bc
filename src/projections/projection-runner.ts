import type { DataSource, EntityManager } from 'typeorm';
import type { AllSubscription, EventStore, RecordedEvent } from '../event-store/event-store';
import { lockCheckpoints, readCheckpoints, saveCheckpoints } from './checkpoints';
import { inBatches } from './in-batches';
import { eventFaultClass, parkEvent, type ParkedEvent } from './parked-events';
import { PendingChanges } from './pending-changes';
import { historiesFor, personsIn, projectEvents, type Histories } from './project-events';
import type { ReadModelTable } from './read-model-tables';
import { READ_MODELS, type ReadModel } from './read-models';

export interface ProjectionRunnerOptions {
  /** Most events per transaction. Default 1000. */
  batchSize?: number;
  /** How long a batch that is not full waits for more events on the live tail. Default 20 ms. */
  lingerMs?: number;
  /** Pause before resubscribing after a failure. Default 1000 ms. */
  retryDelayMs?: number;
  /** Told of each failure (the runner then resumes from its stored checkpoints). */
  onError?: (error: unknown) => void;
  /** Told of each event parked, once parked (committed). */
  onParked?: (parked: Omit<ParkedEvent, 'parkedAt'>) => void;
}

/**
 * Keeps the read models up to date with the log: subscribes from the lowest stored checkpoint, and writes each
 * batch's changes and the new checkpoint in one transaction. An event at or below a read model's checkpoint is
 * skipped (the checkpoint is re-read under lock in every transaction), so a crash at any instant, a retry or a
 * rebuild swapped in meanwhile neither loses nor applies an event twice.
 * An event that a read model cannot apply (its projection throws on it, or PostgreSQL refuses the rows it makes) is
 * parked for that read model, in the same transaction, and the checkpoint moves past it: one event never stops the
 * read models. Any other failure (a lost connection...) is retried from the checkpoints, never parked.
 */
export class ProjectionRunner {
  private readonly names: string[];
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private readonly retryDelayMs: number;
  private stopping = false;
  private subscription?: AllSubscription;
  private following?: Promise<void>;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly readModels: readonly ReadModel[] = READ_MODELS,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.names = readModels.map((model) => model.projection.name);
    this.batchSize = options.batchSize ?? 1000;
    this.lingerMs = options.lingerMs ?? 20;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
  }

  /** Follows the log in the background until stop(). */
  start(): void {
    this.stopping = false;
    this.following ??= this.follow().finally(() => (this.following = undefined));
  }

  /** Lets the batch in hand commit, then ends the subscription. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.close();
    await this.following;
  }

  /** Applies everything in the log now, then returns the position reached (for tests and one-off runs). */
  async catchUp(): Promise<number> {
    let position = await this.lowestCheckpoint();
    for await (const batch of inBatches(this.store.readAll({ after: position }), this.batchSize, Infinity)) {
      await this.applyBatch(batch);
      position = batch[batch.length - 1]!.position;
    }
    return position;
  }

  private async follow(): Promise<void> {
    while (!this.stopping) {
      try {
        this.subscription = this.store.subscribeToAll({ after: await this.lowestCheckpoint() });
        for await (const batch of inBatches(this.subscription, this.batchSize, this.lingerMs)) await this.applyBatch(batch);
      } catch (error) {
        if (this.stopping) return;
        this.options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
      } finally {
        await this.subscription?.close();
      }
    }
  }

  private async lowestCheckpoint(): Promise<number> {
    const checkpoints = await readCheckpoints(this.dataSource.manager, this.names);
    return Math.min(...checkpoints.map((checkpoint) => checkpoint.position));
  }

  private async applyBatch(events: readonly RecordedEvent[]): Promise<void> {
    const last = events[events.length - 1]!.position;
    const parked: Omit<ParkedEvent, 'parkedAt'>[] = [];
    await this.dataSource.transaction(async (manager) => {
      const checkpoints = await lockCheckpoints(manager, this.names);
      const histories = await historiesFor(this.store, events);
      for (const model of this.readModels) {
        const projection = model.projection.name;
        const checkpoint = checkpoints.get(projection)!;
        const fresh = events.filter((event) => event.position > checkpoint);
        if (fresh.length === 0) continue;
        await projectOrPark(manager, model, model.table.name, fresh, histories, async (event, errorClass) => {
          await parkEvent(manager, projection, event, errorClass);
          parked.push({ projection, position: event.position, errorClass });
        });
      }
      const moved = this.names.filter((name) => checkpoints.get(name)! < last);
      if (moved.length > 0) await saveCheckpoints(manager, moved, last);
    });
    for (const event of parked) this.options.onParked?.(event);
  }
}

/** Sets an event aside for a read model, under the class of the error that made it fail. */
export type Park = (event: RecordedEvent, errorClass: string) => Promise<void> | void;

/**
 * projectInto, except that events the read model cannot apply are parked instead of failing the batch: the batch
 * is tried whole in a savepoint, and when an event is at fault, in halves, each in a savepoint, down to the events
 * at fault (k bad events among n cost about k log n more tries). Applying consecutive parts in order is applying
 * the batch, so what is written is the batch without the parked events. Any other error ends it.
 */
export async function projectOrPark(
  manager: EntityManager,
  model: ReadModel,
  tableName: string,
  events: readonly RecordedEvent[],
  histories: Histories,
  park: Park,
): Promise<void> {
  try {
    await inSavepoint(manager, () => projectInto(manager, model, tableName, events, histories));
  } catch (error) {
    const errorClass = eventFaultClass(error);
    if (errorClass === undefined) throw error;
    if (events.length === 1) return park(events[0]!, errorClass);
    const half = Math.ceil(events.length / 2);
    await projectOrPark(manager, model, tableName, events.slice(0, half), histories, park);
    await projectOrPark(manager, model, tableName, events.slice(half), histories, park);
  }
}

/** Runs `work` in a savepoint of the caller's transaction: when it fails, what it wrote is undone and the transaction goes on. */
export async function inSavepoint<T>(manager: EntityManager, work: () => Promise<T>): Promise<T> {
  await manager.query('SAVEPOINT projecting');
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await manager.query('ROLLBACK TO SAVEPOINT projecting; RELEASE SAVEPOINT projecting');
    throw error;
  }
  await manager.query('RELEASE SAVEPOINT projecting');
  return result;
}

/** Applies events to one read model's table, in the caller's transaction: rows read once, written once. */
export async function projectInto(
  manager: EntityManager,
  { projection, table }: ReadModel,
  tableName: string,
  events: readonly RecordedEvent[],
  histories: Histories,
): Promise<void> {
  const stored = new Map<string, unknown>();
  if (projection.onePerPerson) {
    for (const row of await table.load(manager, tableName, personsIn(events))) stored.set(projection.personOf(row), row);
  }
  const pending = new PendingChanges(projection);
  projectEvents(projection, events, pending, (personId) => stored.get(personId), histories);
  await writeChanges(manager, table, tableName, pending);
}

/** Writes pending changes: the replaced persons' rows go, then every pending row is upserted. */
export async function writeChanges<Row>(manager: EntityManager, table: ReadModelTable<Row>, tableName: string, pending: PendingChanges<Row>): Promise<void> {
  await table.deletePersons(manager, tableName, pending.replacedPersons());
  await table.upsert(manager, tableName, pending.rows());
}
