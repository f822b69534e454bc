import { addMonths, dayOf, type Day } from './calendar';
import type { StatusAtOffsets } from './definition';
import type { CohortMember } from './members';
import type { MeasureTable } from './report';
import { suppressedCells } from './suppression';
import { ascending, compareCodes, groupsOf, measureTable, percentOf } from './tables';

/**
 * A person's status on a day, from what happened on or before it, the first that applies: re-trafficked; contact
 * lost and not re-established; the latest employment status; assistance declined; else unknown.
 */
export function statusOn(member: CohortMember, date: Day): string {
  let reTrafficked = false;
  let contactLost = false;
  let employmentStatus: string | undefined;
  let declined = false;
  for (const fact of member.timeline) {
    if (dayOf(fact.occurredAt) > date) break;
    switch (fact.type) {
      case 'ReTraffickingReported':
        reTrafficked = true;
        break;
      case 'ContactLost':
        contactLost = true;
        break;
      case 'ContactReestablished':
        contactLost = false;
        break;
      case 'EmploymentStatusRecorded':
        employmentStatus = String(fact.data.status);
        break;
      case 'AssistanceDeclined':
        if (fact.data.scope === 'assistance') declined = true;
        break;
    }
  }
  if (reTrafficked) return 're_trafficked';
  if (contactLost) return 'lost_contact';
  if (employmentStatus !== undefined) return employmentStatus;
  return declined ? 'declined' : 'unknown';
}

/** Every status that occurs among the members `offsetMonths` after their entry, by name, small counts hidden. */
function statusRows(members: readonly CohortMember[], offsetMonths: number, k: number): Record<string, unknown>[] {
  const counts = new Map<string, number>();
  for (const member of members) {
    const status = statusOn(member, addMonths(member.entry, offsetMonths));
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  const categories = [...counts.keys()].sort(compareCodes);
  const hidden = suppressedCells(
    categories.map((category) => counts.get(category)!),
    k,
  );
  return categories.map((category, index) => {
    const n = counts.get(category)!;
    return hidden[index] ? { category, suppressed: true } : { category, n, percent: percentOf(n, members.length) };
  });
}

export function statusAtOffsetsTables(members: readonly CohortMember[], measure: StatusAtOffsets, k: number): MeasureTable[] {
  const groups = groupsOf(members, measure.by, k);
  return ascending(measure.offsetsMonths).flatMap((offsetMonths) =>
    groups.map((group) => measureTable('statusAtOffsets', offsetMonths, measure.by, group, (inGroup) => statusRows(inGroup, offsetMonths, k))),
  );
}
