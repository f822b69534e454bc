import { attritionTables } from './attrition';
import { dayOfInstant, type Day } from './calendar';
import type { CohortDefinition, Measure } from './definition';
import { domainTrajectoriesTables } from './domain-trajectories';
import type { CohortFact } from './fact';
import { cohortMembers, type CohortMember, type CohortScope } from './members';
import type { MeasureTable } from './report';
import { statusAtOffsetsTables } from './status-at-offsets';

export type { CohortScope } from './members';

/** A cohort smaller than k is refused whole: any table of it would describe fewer than k persons. */
export class CohortBelowKError extends Error {
  constructor(
    readonly cohortSize: number,
    readonly k: number,
  ) {
    super('The cohort is smaller than k');
    this.name = 'CohortBelowKError';
  }
}

function tablesOf(measure: Measure, members: readonly CohortMember[], k: number, observationEnd: Day): MeasureTable[] {
  switch (measure.kind) {
    case 'statusAtOffsets':
      return statusAtOffsetsTables(members, measure, k);
    case 'domainTrajectories':
      return domainTrajectoriesTables(members, measure, k);
    case 'attrition':
      return attritionTables(members, measure, observationEnd, k);
  }
}

/**
 * The cohort's size and its measures' tables, suppressed for disclosure: one table per measure (in the definition's
 * order), per offset (ascending) and per group. `facts` are the cohort_facts rows sorted by person, then position; rows
 * that do not count (after `scope.lastPosition`, recorded after `definition.asKnownAt`) are left out here.
 */
export function computeCohort(
  facts: readonly CohortFact[],
  definition: CohortDefinition,
  scope: CohortScope,
): { cohortSize: number; measures: MeasureTable[] } {
  const members = cohortMembers(facts, definition, scope);
  if (members.length < definition.k) throw new CohortBelowKError(members.length, definition.k);
  const observationEnd = dayOfInstant(scope.observationEnd);
  return {
    cohortSize: members.length,
    measures: definition.measures.flatMap((measure) => tablesOf(measure, members, definition.k, observationEnd)),
  };
}
