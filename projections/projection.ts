/**
 * A projection turns the events of one person's stream into changes of a read model, without I/O: the runner
 * (src/projections/) reads the log, hands events over, and writes the changes with its checkpoint.
 */

/**
 * What a projection reads of a recorded event (the store's RecordedEvent, src/event-store/event-store.ts), already
 * upcast to the current schema. Declared here so that projections depend on nothing but the domain.
 */
export interface ProjectedEvent {
  eventId: string;
  streamId: string;
  streamRevision: number;
  position: number;
  type: string;
  schemaVersion: number;
  occurredAt: string;
  recordedAt: string;
  data: Record<string, unknown>;
  /** Of who recorded it, projections read only the organisation. */
  metadata: { organisationId: string };
}

/** A change of the rows of one read model. */
export type ReadModelChange<Row> =
  /** Insert these rows, or overwrite the rows with the same key. */
  | { readonly kind: 'upsert'; readonly rows: readonly Row[] }
  /** The person's rows are exactly these from now on (after a correction changed their history). */
  | { readonly kind: 'replacePerson'; readonly personId: string; readonly rows: readonly Row[] };

export interface Projection<Row> {
  /** Also the name of its table and of its checkpoint. */
  readonly name: string;
  /** True when the read model keeps one row per person that `apply` evolves (then it receives that row). */
  readonly onePerPerson: boolean;
  keyOf(row: Row): string;
  personOf(row: Row): string;
  /** The change one event makes, given the person's row when `onePerPerson` (undefined: none yet). Not for corrections. */
  apply(event: ProjectedEvent, personRow: Row | undefined): ReadModelChange<Row>;
  /**
   * The person's rows recomputed from their effective history (corrections applied, see corrections.ts), as of
   * `through`, the event that made the recomputation necessary.
   */
  recompute(personId: string, history: readonly ProjectedEvent[], through: ProjectedEvent): ReadModelChange<Row>;
}

const JOURNEY_STREAM = /^journey-([0-9a-f-]{36})$/i;

// Events mostly come stream after stream, each asked about several times: the last answer is kept.
let lastStreamId: string | undefined;
let lastPersonId: string | undefined;

/** The person a journey stream is about; undefined for any other stream (projections ignore those). */
export function personIdOf(streamId: string): string | undefined {
  if (streamId !== lastStreamId) {
    lastPersonId = JOURNEY_STREAM.exec(streamId)?.[1];
    lastStreamId = streamId;
  }
  return lastPersonId;
}

/** `YYYY-MM` or `YYYY-MM-DD`: compared as text, a month-precision date sorts as the start of its month. */
export function isLaterOrSame(occurredAt: string, than: string | null): boolean {
  return than === null || occurredAt >= than;
}
