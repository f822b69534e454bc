import { addMonths, dayOf, daysBetween, type Day } from './calendar';
import type { Achievement, DomainTrajectories } from './definition';
import type { CohortMember } from './members';
import type { MeasureTable } from './report';
import { isSmallCount, suppressedCells } from './suppression';
import { ascending, compareCodes, groupsOf, measureTable, percentOf } from './tables';

/**
 * The value of the person's assessment of a domain's indicator that counts for a day: the nearest within
 * `windowMonths` calendar months either side; of two as near, the earlier. Undefined: not observed.
 */
export function assessmentNear(member: CohortMember, domain: string, indicator: string, date: Day, windowMonths: number): unknown {
  const from = addMonths(date, -windowMonths);
  const to = addMonths(date, windowMonths);
  let value: unknown;
  let nearest = Infinity;
  for (const fact of member.timeline) {
    const day = dayOf(fact.occurredAt);
    if (day > to) break;
    if (fact.type !== 'OutcomeAssessed' || day < from || fact.data.domain !== domain || fact.data.indicator !== indicator) continue;
    // The timeline runs by day, so only a strictly nearer assessment replaces an earlier one.
    const distance = Math.abs(daysBetween(day, date));
    if (distance < nearest) {
      nearest = distance;
      value = fact.data.value;
    }
  }
  return value;
}

export function isAchieved(value: unknown, achievement: Achievement): boolean {
  return 'equals' in achievement ? value === achievement.equals : typeof value === 'number' && value >= achievement.atLeast;
}

/**
 * One domain's row: observed, achieved, missing and the percentage achieved of those observed. Its cells are
 * achieved, not achieved and missing (they add up to the group); `observed` is shown with `missing` (each follows
 * from the other), so both are hidden when either would be a small count.
 */
function trajectoryRow(
  members: readonly CohortMember[],
  offsetMonths: number,
  domain: string,
  achievement: Achievement,
  windowMonths: number,
  k: number,
): Record<string, unknown> {
  let observed = 0;
  let achieved = 0;
  for (const member of members) {
    const value = assessmentNear(member, domain, achievement.indicator, addMonths(member.entry, offsetMonths), windowMonths);
    if (value === undefined) continue;
    observed += 1;
    if (isAchieved(value, achievement)) achieved += 1;
  }
  const missing = members.length - observed;
  const [achievedHidden, , missingHidden] = suppressedCells([achieved, observed - achieved, missing], k, [false, false, isSmallCount(observed, k)]);
  return {
    domain,
    indicator: achievement.indicator,
    ...(missingHidden ? {} : { observed }),
    ...(achievedHidden ? {} : { achieved }),
    ...(missingHidden ? {} : { missing }),
    ...(achievedHidden || missingHidden ? { suppressed: true } : { percentAchieved: observed === 0 ? null : percentOf(achieved, observed) }),
  };
}

export function domainTrajectoriesTables(members: readonly CohortMember[], measure: DomainTrajectories, k: number): MeasureTable[] {
  const groups = groupsOf(members, measure.by, k);
  const domains = Object.keys(measure.achieved).sort(compareCodes);
  return ascending(measure.offsetsMonths).flatMap((offsetMonths) =>
    groups.map((group) =>
      measureTable('domainTrajectories', offsetMonths, measure.by, group, (inGroup) =>
        domains.map((domain) => trajectoryRow(inGroup, offsetMonths, domain, measure.achieved[domain], measure.windowMonths, k)),
      ),
    ),
  );
}
