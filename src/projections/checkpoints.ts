import type { EntityManager } from 'typeorm';

/** Channel notified (on commit) each time a checkpoint moves; payload `name:position`. */
export const CHECKPOINT_CHANNEL = 'projection_checkpoints';

export interface Checkpoint {
  name: string;
  position: number;
  updatedAt: Date;
}

export async function readCheckpoints(manager: EntityManager, names: readonly string[]): Promise<Checkpoint[]> {
  const rows: { name: string; position: string; updated_at: Date }[] = await manager.query(
    'SELECT name, position, updated_at FROM projection_checkpoints WHERE name = ANY($1) ORDER BY name',
    [names],
  );
  return rows.map((row) => ({ name: row.name, position: Number(row.position), updatedAt: row.updated_at }));
}

/**
 * Locks the checkpoints until the transaction ends and returns them: whoever writes a read model holds its
 * checkpoint row, so the runner and a rebuild's swap never interleave. Locked in name order, never deadlocking.
 */
export async function lockCheckpoints(manager: EntityManager, names: readonly string[]): Promise<Map<string, number>> {
  const rows: { name: string; position: string }[] = await manager.query(
    'SELECT name, position FROM projection_checkpoints WHERE name = ANY($1) ORDER BY name FOR UPDATE',
    [names],
  );
  const found = new Map(rows.map((row) => [row.name, Number(row.position)]));
  const missing = names.filter((name) => !found.has(name));
  if (missing.length > 0) throw new Error(`No checkpoint for projection(s) ${missing.join(', ')}: run the migrations`);
  return found;
}

/** Sets the checkpoints in the caller's transaction; listeners hear of it when it commits. */
export async function saveCheckpoints(manager: EntityManager, names: readonly string[], position: number): Promise<void> {
  await manager.query(`UPDATE projection_checkpoints SET position = $2, updated_at = now() WHERE name = ANY($1)`, [names, position]);
  for (const name of names) await manager.query('SELECT pg_notify($1, $2)', [CHECKPOINT_CHANNEL, `${name}:${position}`]);
}
