import { DatabaseError } from 'pg';
import { QueryFailedError, TypeORMError, type EntityManager } from 'typeorm';

/**
 * Events a projection could not apply, set aside so that one event never stops a read model: the runner parks it
 * and goes on, `projections retry` applies it again after a fix. A park names the event by global position and
 * keeps only the class of the error, never its message, which can quote the event's data.
 */
export interface ParkedEvent {
  projection: string;
  position: number;
  /** `TypeError`..., or `pg` and the SQLSTATE when PostgreSQL refused the rows (`pg 22P05`). */
  errorClass: string;
  parkedAt: Date;
}

/**
 * SQLSTATE classes that are about the data written: data exception (22: U+0000 in jsonb, a date out of range...),
 * integrity constraint violation (23), program limit exceeded (54: a value too large to index). Retrying the same
 * event cannot succeed; any other class (connection, shutdown, serialization failure...) can.
 */
const DATA_ERROR_CLASSES: ReadonlySet<string> = new Set(['22', '23', '54']);

/** The SQLSTATE of an error by which PostgreSQL refused the data itself; undefined for any other error. */
export function dataErrorCode(error: unknown): string | undefined {
  const cause: unknown = error instanceof QueryFailedError ? error.driverError : error;
  const code = cause instanceof DatabaseError ? cause.code : undefined;
  return code !== undefined && DATA_ERROR_CLASSES.has(code.slice(0, 2)) ? code : undefined;
}

/** What a projection's own code threw, by class: an error's name (as code defines it), never its message. */
export function thrownClass(error: unknown): string {
  if (!(error instanceof Error)) return 'NonError';
  return /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(error.name) ? error.name : 'Error';
}

/**
 * The class to park an event under, when applying it failed because of the event: PostgreSQL refused the rows it
 * made, or the projection's code threw. Undefined for an error of the database layer or the system (a lost
 * connection, a server shutting down, anything carrying a driver's or the system's `code`): those are retried,
 * never parked.
 */
export function eventFaultClass(error: unknown): string | undefined {
  const code = dataErrorCode(error);
  if (code !== undefined) return `pg ${code}`;
  if (error instanceof TypeORMError || error instanceof DatabaseError) return undefined;
  if (typeof error === 'object' && error !== null && 'code' in error) return undefined;
  return thrownClass(error);
}

/** The event a park names: its position in the global log, and its stream (where `projections retry` reads it). */
export interface ParkedPlace {
  position: number;
  streamId: string;
}

/** Parks an event for a projection, in the caller's transaction; parking it again records the latest error class. */
export async function parkEvent(manager: EntityManager, projection: string, event: ParkedPlace, errorClass: string): Promise<void> {
  await manager.query(
    `INSERT INTO parked_events (projection, position, stream_id, error_class) VALUES ($1, $2, $3, $4)
     ON CONFLICT (projection, position) DO UPDATE SET error_class = EXCLUDED.error_class, stream_id = EXCLUDED.stream_id, parked_at = now()`,
    [projection, event.position, event.streamId, errorClass],
  );
}

/** The streams of a projection's parked events, by position; null for a park made before streams were kept. */
export async function parkedStreams(manager: EntityManager, projection: string): Promise<Map<number, string | null>> {
  const rows: { position: string; stream_id: string | null }[] = await manager.query(
    'SELECT position, stream_id FROM parked_events WHERE projection = $1 ORDER BY position',
    [projection],
  );
  return new Map(rows.map((row) => [Number(row.position), row.stream_id]));
}

export async function parkedEvents(manager: EntityManager, projections: readonly string[]): Promise<ParkedEvent[]> {
  const rows: { projection: string; position: string; error_class: string; parked_at: Date }[] = await manager.query(
    'SELECT projection, position, error_class, parked_at FROM parked_events WHERE projection = ANY($1) ORDER BY projection, position',
    [projections],
  );
  return rows.map((row) => ({ projection: row.projection, position: Number(row.position), errorClass: row.error_class, parkedAt: row.parked_at }));
}

/** Parked events by projection; a projection with none is absent. */
export async function parkedCounts(manager: EntityManager): Promise<Map<string, number>> {
  const rows: { projection: string; count: string }[] = await manager.query('SELECT projection, count(*) AS count FROM parked_events GROUP BY projection');
  return new Map(rows.map((row) => [row.projection, Number(row.count)]));
}

export async function unpark(manager: EntityManager, projection: string, positions: readonly number[]): Promise<void> {
  await manager.query('DELETE FROM parked_events WHERE projection = $1 AND position = ANY($2::bigint[])', [projection, positions]);
}

/** A park as a rebuild collects it, before it is swapped in. */
export type NewPark = Omit<ParkedEvent, 'parkedAt'> & ParkedPlace;

/** The projections' parks become exactly these (a rebuild's, swapped in with its tables). */
export async function replaceParked(manager: EntityManager, projections: readonly string[], parked: readonly NewPark[]): Promise<void> {
  await manager.query('DELETE FROM parked_events WHERE projection = ANY($1)', [projections]);
  for (const park of parked) await parkEvent(manager, park.projection, park, park.errorClass);
}
