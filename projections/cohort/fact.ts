/**
 * One row of the `cohort_facts` read model: one event of a person's journey, with what cohort studies need of it
 * and when it was recorded and where in the log, so that a report can count only the events of a tree and as known
 * at a moment. Corrections are kept as rows of their own (never applied to their target in the table), so that a
 * report applies only those that count themselves.
 */
export interface CohortFact {
  personId: string;
  eventId: string;
  /** The journey event type (EnteredInError and EventCorrected included). */
  type: string;
  /** As recorded: `YYYY-MM-DD` or `YYYY-MM`. */
  occurredAt: string;
  /** ISO 8601 UTC instant the system learned it. */
  recordedAt: string;
  /** Global log position. */
  position: number;
  /** The organisation that recorded it (from the event's metadata). */
  organisationId: string;
  /**
   * The event's data (upcast to the current schema) without personal data or free text, only the fields kept for
   * its type. For `EnteredInError`: `{ targetEventId }`. For `EventCorrected`: `{ targetEventId, correctedData }`,
   * the corrected data kept the same way, as the target's type keeps it.
   */
  data: Record<string, unknown>;
}
