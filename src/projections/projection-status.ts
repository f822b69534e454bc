import type { DataSource } from 'typeorm';
import type { EventStore } from '../event-store/event-store';
import { readCheckpoints } from './checkpoints';
import { parkedCounts } from './parked-events';
import { READ_MODEL_NAMES } from './read-models';

export interface ProjectionStatus {
  name: string;
  /** Global position the read model reflects. */
  position: number;
  /** The log's head now. */
  head: number;
  /** Positions behind the head (events, on PostgreSQL, whose positions are dense). */
  lag: number;
  /** Events parked: the read model could not apply them (see parked-events.ts). */
  parked: number;
  updatedAt: Date;
}

export async function projectionStatus(store: EventStore, dataSource: DataSource): Promise<ProjectionStatus[]> {
  const [checkpoints, head, parked] = await Promise.all([
    readCheckpoints(dataSource.manager, READ_MODEL_NAMES),
    store.headPosition(),
    parkedCounts(dataSource.manager),
  ]);
  return checkpoints.map(({ name, position, updatedAt }) => ({
    name,
    position,
    head,
    lag: Math.max(0, head - position),
    parked: parked.get(name) ?? 0,
    updatedAt,
  }));
}
