import type { DataSource, EntityManager } from 'typeorm';
import type { AllSubscription, EventStore, RecordedEvent } from '../event-store/event-store';
import { lockCheckpoints, readCheckpoints, saveCheckpoints } from './checkpoints';
import { inBatches } from './in-batches';
import { PendingChanges } from './pending-changes';
import { historiesFor, personsIn, projectEvents, type Histories } from './project-events';
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
}

/**
 * Keeps the read models up to date with the log: subscribes from the lowest stored checkpoint, and writes each
 * batch's changes and the new checkpoint in one transaction. An event at or below a read model's checkpoint is
 * skipped (the checkpoint is re-read under lock in every transaction), so a crash at any instant, a retry or a
 * rebuild swapped in meanwhile neither loses nor applies an event twice.
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
    await this.dataSource.transaction(async (manager) => {
      const checkpoints = await lockCheckpoints(manager, this.names);
      const histories = await historiesFor(this.store, events);
      for (const model of this.readModels) {
        const checkpoint = checkpoints.get(model.projection.name)!;
        const fresh = events.filter((event) => event.position > checkpoint);
        if (fresh.length > 0) await projectInto(manager, model, model.table.name, fresh, histories);
      }
      const moved = this.names.filter((name) => checkpoints.get(name)! < last);
      if (moved.length > 0) await saveCheckpoints(manager, moved, last);
    });
  }
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
  await table.deletePersons(manager, tableName, pending.replacedPersons());
  await table.upsert(manager, tableName, pending.rows());
}
