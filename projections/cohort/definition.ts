import type { Answer, JourneyEventType } from '../../src/journey/domain/events';

/**
 * A cohort study as evaluators define it: who enters (and when), who is kept, what is measured, over which part of
 * the log (`treeSize`) and as known at which moment (`asKnownAt`). This is the definition after validation, with
 * every default filled in: a report carries it, and running it again gives the same report.
 */
export interface CohortDefinition {
  entry: CohortEntry;
  filters: CohortFilters;
  measures: Measure[];
  /** ISO 8601 instant; null: every event of the tree counts, whenever it was recorded. */
  asKnownAt: string | null;
  /** Leaves of the Merkle log (the first events of the global log) the report is computed over. */
  treeSize: number;
  /** The smallest count ever shown; smaller cohorts are refused. */
  k: number;
}

export interface CohortEntry {
  type: JourneyEventType;
  /** Every key must equal the entry event's data at that key. */
  where: Record<string, Answer>;
  /** `YYYY-MM-DD` or `YYYY-MM` (the first day of that month), inclusive. */
  from: string;
  /** `YYYY-MM-DD` or `YYYY-MM` (the first day of that month), inclusive. */
  to: string;
}

/** Filters on registration facts; an absent or empty list keeps everyone. */
export interface CohortFilters {
  gender?: string[];
  citizenship?: string[];
  ageBand?: AgeBand[];
}

/** CTDC's age bands: the age at entry. */
export const AGE_BANDS = ['0-8', '9-17', '18-20', '21-23', '24-26', '27-29', '30-38', '39-47', '48+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** What a measure can be broken down by. */
export const GROUPINGS = ['gender', 'ageBand', 'citizenship', 'exploitationType', 'returned'] as const;
export type Grouping = (typeof GROUPINGS)[number];

export const MEASURE_KINDS = ['statusAtOffsets', 'domainTrajectories', 'attrition'] as const;

export interface StatusAtOffsets {
  kind: 'statusAtOffsets';
  offsetsMonths: number[];
  by?: Grouping;
}

/** When a domain counts as achieved: its indicator equals a value, or is a number at least a threshold. */
export type Achievement = { indicator: string; equals: Answer } | { indicator: string; atLeast: number };

export interface DomainTrajectories {
  kind: 'domainTrajectories';
  /** 0 is the baseline (the entry date). */
  offsetsMonths: number[];
  /** By domain code (accommodation, employment_economic...). */
  achieved: Record<string, Achievement>;
  /** How far from the offset date an assessment may lie to count for it. Default 3. */
  windowMonths: number;
  by?: Grouping;
}

export interface Attrition {
  kind: 'attrition';
  /** Months since entry to report, from 1. */
  months: number;
  by?: Grouping;
}

export type Measure = StatusAtOffsets | DomainTrajectories | Attrition;

export const DEFAULT_K = 11;
export const DEFAULT_WINDOW_MONTHS = 3;
