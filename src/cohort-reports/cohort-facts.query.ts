import type { DataSource } from 'typeorm';
import type { CohortFact } from '../../projections/cohort/fact';
import type { JourneyEventType } from '../journey/domain/events';
import { cohortFactOf, firstDayOf } from '../projections/read-model-tables';

export interface CohortFactsRequest {
  /** The event type a person enters the cohort on. */
  entryType: string;
  /** `YYYY-MM-DD` or `YYYY-MM` (the first day of that month), inclusive. */
  from: string;
  /** `YYYY-MM-DD` or `YYYY-MM` (the first day of that month), inclusive. */
  to: string;
  /** The store position of the tree's last event: no row after it counts. */
  lastPosition: number;
  /** ISO 8601 instant: no row recorded after it counts; null, every row of the tree. */
  asKnownAt: string | null;
  /** The types the report reads; corrections always come along. */
  types: readonly string[];
}

const CORRECTION_TYPES: readonly JourneyEventType[] = ['EnteredInError', 'EventCorrected'];

/** recorded_at as the store writes instants (toISOString: UTC, milliseconds), so rows need no Date made and read back. */
const RECORDED_AT = `to_char(f.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at`;

/**
 * The cohort_facts rows a report reads, in one statement: the counted rows (of the tree, as known at the moment)
 * of the types asked, corrections included, of every person with a counted row of the entry type in the window.
 * A superset of the cohort: which correction applies, and whether the entry event matches `where`, the pure code
 * decides (projections/cohort/). Sorted by person, then log position, as it folds them.
 */
export class CohortFactsQuery {
  constructor(private readonly dataSource: DataSource) {}

  async load(request: CohortFactsRequest): Promise<CohortFact[]> {
    // Each member's rows through the (person_id, position) index, so the work grows with the cohort, not with the
    // table (the ORDER BY keeps the subquery from being flattened into a join, which is planned as a full scan).
    const records: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT f.person_id, f.event_id, f.type, f.occurred_at, ${RECORDED_AT}, f.position, f.organisation_id, f.data
       FROM (SELECT DISTINCT e.person_id FROM cohort_facts e
             WHERE e.type = $1 AND e.occurred_on BETWEEN $2::date AND $3::date
               AND e.position <= $4 AND ($5::timestamptz IS NULL OR e.recorded_at <= $5::timestamptz)) AS member
       CROSS JOIN LATERAL (
         SELECT * FROM cohort_facts f
         WHERE f.person_id = member.person_id AND f.position <= $4 AND ($5::timestamptz IS NULL OR f.recorded_at <= $5::timestamptz)
           AND f.type = ANY($6::text[])
         ORDER BY f.position) AS f
       ORDER BY f.person_id, f.position`,
      [
        request.entryType,
        firstDayOf(request.from),
        firstDayOf(request.to),
        request.lastPosition,
        request.asKnownAt,
        [...new Set([...request.types, ...CORRECTION_TYPES])],
      ],
    );
    return records.map(cohortFactOf);
  }
}
