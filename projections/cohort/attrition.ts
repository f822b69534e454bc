import { dayOf, monthsBetween, type Day } from './calendar';
import type { Attrition } from './definition';
import type { CohortMember } from './members';
import type { MeasureTable } from './report';
import { isSmallCount, suppressedCells } from './suppression';
import { compareCodes, groupsOf, measureTable } from './tables';

/** How a person's follow-up ends: in which month since entry (1 is the first), by leaving for a reason or censored. */
export interface FollowUp {
  lastMonth: number;
  /** Why the person left; undefined: still followed when the observation ended (censored in `lastMonth`). */
  reason?: string;
}

/** Ways of leaving, in the order that decides between two on the same day. */
const CLOSED = 0;
const DECLINED = 1;
const LOST_CONTACT = 2;
const RE_TRAFFICKED = 3;

/**
 * The person's follow-up: the first way of leaving from the entry day to the end of the observation (case closed,
 * by its reason; assistance declined; contact lost and not re-established by the end; re-trafficked), else censored
 * in the month the observation ends.
 */
export function followUpOf(member: CohortMember, observationEnd: Day): FollowUp {
  let leaving: { day: Day; rank: number; reason: string } | undefined;
  const consider = (day: Day, rank: number, reason: string) => {
    if (day < member.entry) return;
    if (leaving === undefined || day < leaving.day || (day === leaving.day && rank < leaving.rank)) leaving = { day, rank, reason };
  };
  let lostSince: Day | undefined;
  for (const fact of member.timeline) {
    const day = dayOf(fact.occurredAt);
    if (day > observationEnd) break;
    switch (fact.type) {
      case 'CaseClosed':
        consider(day, CLOSED, `closed:${String(fact.data.reason)}`);
        break;
      case 'AssistanceDeclined':
        if (fact.data.scope === 'assistance') consider(day, DECLINED, 'declined');
        break;
      case 'ContactLost':
        lostSince ??= day;
        break;
      case 'ContactReestablished':
        lostSince = undefined;
        break;
      case 'ReTraffickingReported':
        consider(day, RE_TRAFFICKED, 're_trafficked');
        break;
    }
  }
  // Contact lost before entry and never re-established: the person is gone from the start of the follow-up.
  if (lostSince !== undefined) consider(lostSince < member.entry ? member.entry : lostSince, LOST_CONTACT, 'lost_contact');
  if (leaving === undefined) return { lastMonth: monthsBetween(member.entry, observationEnd) + 1 };
  return { lastMonth: monthsBetween(member.entry, leaving.day) + 1, reason: leaving.reason };
}

/**
 * Month m (from entry + m-1 months to the day before entry + m months): those followed at its start, those leaving
 * during it by reason, those censored in it, and the Kaplan–Meier retention to its end. A month with fewer than k
 * followed shows nothing but that it is suppressed.
 */
function attritionRows(members: readonly CohortMember[], months: number, observationEnd: Day, k: number): Record<string, unknown>[] {
  const followUps = members.map((member) => followUpOf(member, observationEnd));
  const rows: Record<string, unknown>[] = [];
  let retention = 1;
  for (let month = 1; month <= months; month += 1) {
    let followed = 0;
    let censored = 0;
    const leftBy = new Map<string, number>();
    for (const { lastMonth, reason } of followUps) {
      if (lastMonth < month) continue;
      followed += 1;
      if (lastMonth > month) continue;
      if (reason === undefined) censored += 1;
      else leftBy.set(reason, (leftBy.get(reason) ?? 0) + 1);
    }
    const reasons = [...leftBy.keys()].sort(compareCodes);
    const leftCounts = reasons.map((reason) => leftBy.get(reason)!);
    const left = leftCounts.reduce((sum, n) => sum + n, 0);
    if (followed > 0) retention *= 1 - left / followed;
    if (followed < k) {
      rows.push({ month, suppressed: true });
      continue;
    }
    // Those followed and the retention are shown, and together they give the month's number of leavers (followed
    // times the retention's fall), and next month's followed the number censored. So the reasons of leaving are a
    // table of their own with a known total: a hidden reason is complemented by another reason, never by a figure
    // anyone can work out anyway. A small censored count is hidden by the k rule.
    const hidden = suppressedCells(leftCounts, k);
    const censoredHidden = isSmallCount(censored, k);
    rows.push({
      month,
      followed,
      left: reasons.map((reason, index) => (hidden[index] ? { reason, suppressed: true } : { reason, n: leftCounts[index] })),
      ...(censoredHidden ? {} : { censored }),
      retention: Math.round(retention * 10_000) / 10_000,
      ...(censoredHidden || hidden.some(Boolean) ? { suppressed: true } : {}),
    });
  }
  return rows;
}

export function attritionTables(members: readonly CohortMember[], measure: Attrition, observationEnd: Day, k: number): MeasureTable[] {
  return groupsOf(members, measure.by, k).map((group) =>
    measureTable('attrition', undefined, measure.by, group, (inGroup) => attritionRows(inGroup, measure.months, observationEnd, k)),
  );
}
