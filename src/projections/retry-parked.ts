import type { DataSource, EntityManager } from 'typeorm';
import { effectiveHistory } from '../../projections/corrections';
import { personIdOf } from '../../projections/projection';
import type { EventStore, RecordedEvent } from '../event-store/event-store';
import { upcast } from '../journey/domain/upcasters';
import { lockCheckpoints } from './checkpoints';
import { eventFaultClass, parkedEvents, parkedStreams, parkEvent, unpark, type ParkedEvent } from './parked-events';
import { PendingChanges } from './pending-changes';
import { historiesInStream, projectEvents } from './project-events';
import { inSavepoint, writeChanges } from './projection-runner';
import { READ_MODELS, type ReadModel } from './read-models';

export interface RetrySummary {
  /** Parked events applied this time, now off the park. */
  applied: number;
  /** What is still parked: its projection still cannot apply it (with the latest error class). */
  stillParked: ParkedEvent[];
}

/**
 * Applies parked events again, after a fix (of a projection, or a correction of the event). Events after a parked
 * one were projected without it, so it cannot simply be applied now, out of order: the person's rows are
 * recomputed from their whole history up to the read model's checkpoint, corrections applied, as a correction
 * recomputes them, and the parked events count in their place. Under the checkpoint's lock, so a running runner
 * waits, then goes on from the rows written here. A person whose rows still cannot be made stays parked.
 */
export async function retryParked(store: EventStore, dataSource: DataSource, readModels: readonly ReadModel[] = READ_MODELS): Promise<RetrySummary> {
  const names = readModels.map((model) => model.projection.name);
  let applied = 0;
  for (const model of readModels) {
    for (const [streamId, positions] of await positionsByStream(store, await parkedStreams(dataSource.manager, model.projection.name))) {
      const done = await dataSource.transaction((manager) => reprojectPerson(manager, store, model, streamId, positions));
      if (done) applied += positions.length;
    }
  }
  return { applied, stillParked: await parkedEvents(dataSource.manager, names) };
}

/**
 * The parked positions grouped by the stream of their event, as the park kept it; a park made before streams were
 * kept is found in the global log by its position.
 */
async function positionsByStream(store: EventStore, streams: ReadonlyMap<number, string | null>): Promise<Map<string, number[]>> {
  const byStream = new Map<string, number[]>();
  const add = (streamId: string, position: number) => byStream.set(streamId, [...(byStream.get(streamId) ?? []), position]);
  for (const [position, streamId] of streams) {
    if (streamId !== null) {
      add(streamId, position);
      continue;
    }
    for await (const event of store.readAll({ after: position - 1, maxCount: 1 })) if (event.position === position) add(event.streamId, position);
  }
  return byStream;
}

/** True when the person's rows were recomputed and their parked events taken off the park. */
async function reprojectPerson(manager: EntityManager, store: EventStore, model: ReadModel, streamId: string, positions: number[]): Promise<boolean> {
  const { projection, table } = model;
  const checkpoint = (await lockCheckpoints(manager, [projection.name])).get(projection.name)!;
  const personId = personIdOf(streamId);
  const history: RecordedEvent[] = [];
  for await (const event of store.readStream(streamId)) if (event.position <= checkpoint) history.push(event);
  if (personId === undefined || history.length === 0) return false;
  try {
    await inSavepoint(manager, async () => {
      const pending = new PendingChanges(projection);
      const recomputed = projection.recompute(personId, effectiveHistory(history).map(upcast), history[history.length - 1]!);
      pending.add(recomputed);
      // A read model whose recompute only adds rows keeps every event as recorded (cohort_facts): the corrected
      // history cannot give the parked events' rows, so they are projected themselves, as the runner projects them.
      if (recomputed.kind === 'upsert') {
        const parked = history.filter((event) => positions.includes(event.position));
        projectEvents(projection, parked, pending, () => undefined, historiesInStream(history));
      }
      await writeChanges(manager, table, table.name, pending);
    });
  } catch (error) {
    const errorClass = eventFaultClass(error);
    if (errorClass === undefined) throw error;
    for (const position of positions) await parkEvent(manager, projection.name, { position, streamId }, errorClass);
    return false;
  }
  await unpark(manager, projection.name, positions);
  return true;
}
