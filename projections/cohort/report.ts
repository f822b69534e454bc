import type { CohortDefinition, Grouping } from './definition';

/** A cohort report as evaluators receive it (POST /cohort-reports); key order is part of its byte-for-byte form. */
export interface CohortReport {
  definition: CohortDefinition;
  checkpoint: { treeSize: number; rootHash: string; note: string };
  /** The moment the report's knowledge ends: the definition's asKnownAt, else when the tree's last event was recorded. */
  asKnownAt: string;
  /** The organisation whose persons (held at entry) the report is over. */
  organisationId: string;
  cohortSize: number;
  measures: MeasureTable[];
}

/** One table: one measure at one offset (for those with offsets), for one group (when the measure has `by`). */
export interface MeasureTable {
  kind: 'statusAtOffsets' | 'domainTrajectories' | 'attrition';
  offsetMonths?: number;
  group?: Partial<Record<Grouping, string>>;
  /** Persons in the group; absent when suppressed. */
  groupSize?: number;
  /** True when the group itself is smaller than k (or suppressed to protect another group): no rows then. */
  suppressed?: true;
  rows: Record<string, unknown>[];
}
