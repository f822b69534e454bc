import { effectiveHistory, isCorrection } from '../../projections/corrections';
import { personIdOf, type ProjectedEvent, type Projection } from '../../projections/projection';
import type { EventStore, RecordedEvent } from '../event-store/event-store';
import { upcast } from '../journey/domain/upcasters';
import { thrownClass } from './parked-events';
import { PendingChanges } from './pending-changes';

/** The person's history as projections read it, through `event` (included): corrections applied, then upcast. */
export async function historyThrough(store: EventStore, event: RecordedEvent): Promise<ProjectedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const recorded of store.readStream(event.streamId, { maxCount: event.streamRevision + 1 })) events.push(recorded);
  return effectiveHistory(events).map(upcast);
}

/** Histories by correction event id: what each correction among these events needs, read a few at a time. */
export type Histories = ReadonlyMap<string, ProjectedEvent[]>;

const HISTORY_READS_AT_ONCE = 8;

export async function historiesFor(store: EventStore, events: readonly RecordedEvent[]): Promise<Histories> {
  const corrections = events.filter((event) => isCorrection(event) && personIdOf(event.streamId) !== undefined);
  const histories = new Map<string, ProjectedEvent[]>();
  for (let first = 0; first < corrections.length; first += HISTORY_READS_AT_ONCE) {
    const some = corrections.slice(first, first + HISTORY_READS_AT_ONCE);
    const read = await Promise.all(some.map((correction) => historyThrough(store, correction)));
    some.forEach((correction, index) => histories.set(correction.eventId, read[index]!));
  }
  return histories;
}

/**
 * Folds events (in log order) into pending changes of one read model. Ordinary events are upcast and applied;
 * a correction recomputes the person from their history as of the correction (`histories`, see historiesFor).
 * `storedRow` gives, for one-row-per-person read models, each person's row as written before these changes.
 */
export function projectEvents<Row>(
  projection: Projection<Row>,
  events: readonly ProjectedEvent[],
  pending: PendingChanges<Row>,
  storedRow: (personId: string) => Row | undefined,
  histories: Histories,
): void {
  for (const event of events) {
    const personId = personIdOf(event.streamId);
    if (personId === undefined) continue;
    if (isCorrection(event)) {
      pending.add(projection.recompute(personId, histories.get(event.eventId)!, event));
      continue;
    }
    const row = projection.onePerPerson ? pending.personRow(personId, storedRow(personId)) : undefined;
    pending.add(projection.apply(upcast(event), row));
  }
}

/** Persons of journey streams among these events, each once. */
export function personsIn(events: readonly RecordedEvent[]): string[] {
  const persons = new Set<string>();
  for (const event of events) {
    const personId = personIdOf(event.streamId);
    if (personId !== undefined) persons.add(personId);
  }
  return [...persons];
}

/** Histories by correction event id, for a whole stream in memory (revision order): what historiesFor reads. */
export function historiesInStream(stream: readonly ProjectedEvent[]): Histories {
  const histories = new Map<string, ProjectedEvent[]>();
  stream.forEach((event, index) => {
    if (isCorrection(event)) histories.set(event.eventId, historyAt(stream, index));
  });
  return histories;
}

/** The history a stream's event at `index` reads, as historyThrough reads it from the store. */
function historyAt(stream: readonly ProjectedEvent[], index: number): ProjectedEvent[] {
  return effectiveHistory(stream.slice(0, index + 1)).map(upcast);
}

/**
 * The rows a whole stream (in memory, in revision order) leaves in a read model that had none of its person:
 * the events folded exactly as the runner folds them. Empty for a stream that is not a journey.
 */
export function rowsOfStream<Row>(projection: Projection<Row>, stream: readonly ProjectedEvent[], histories: Histories): Row[] {
  const pending = new PendingChanges(projection);
  projectEvents(projection, stream, pending, () => undefined, histories);
  return pending.rows();
}

/**
 * rowsOfStream for a stream one of whose events the projection cannot apply (it throws): the events folded one at a
 * time, as the runner isolates them, each that throws handed to `park` and left out.
 */
export function rowsOfStreamParking<Row>(
  projection: Projection<Row>,
  stream: readonly ProjectedEvent[],
  park: (event: ProjectedEvent, errorClass: string) => void,
): Row[] {
  const pending = new PendingChanges(projection);
  stream.forEach((event, index) => {
    try {
      const histories: Histories = isCorrection(event) ? new Map([[event.eventId, historyAt(stream, index)]]) : new Map();
      projectEvents(projection, [event], pending, () => undefined, histories);
    } catch (error) {
      park(event, thrownClass(error));
    }
  });
  return pending.rows();
}
