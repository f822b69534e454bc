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

/**
 * The cohort_facts rows a report reads, in one statement: the counted rows (of the tree, as known at the moment)
 * of the types asked, corrections included, of every person with a counted row of the entry type in the window.
 * A superset of the cohort: which correction applies, and whether the entry event matches `where`, the pure code
 * decides (projections/cohort/). Sorted by person, then log position, as it folds them.
 */
export class CohortFactsQuery {
  constructor(private readonly dataSource: DataSource) {}

  async load(request: CohortFactsRequest): Promise<CohortFact[]> {
    const records: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT f.person_id, f.event_id, f.type, f.occurred_at, f.recorded_at, f.position, f.organisation_id, f.data
       FROM cohort_facts f
       WHERE f.person_id IN (SELECT e.person_id FROM cohort_facts e
                             WHERE e.type = $1 AND e.occurred_on BETWEEN $2::date AND $3::date
                               AND e.position <= $4 AND ($5::timestamptz IS NULL OR e.recorded_at <= $5::timestamptz))
         AND f.type = ANY($6::text[])
         AND f.position <= $4 AND ($5::timestamptz IS NULL OR f.recorded_at <= $5::timestamptz)
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
