import { AGE_BANDS, type Grouping } from './definition';
import type { CohortMember } from './members';
import type { MeasureTable } from './report';
import { suppressedCells } from './suppression';

/** Codes in a fixed order (UTF-16 code units), whatever the locale: a report must be the same wherever it is run. */
export function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `n` as a percentage of `total`, to one decimal. */
export function percentOf(n: number, total: number): number {
  return Math.round((n * 1000) / total) / 10;
}

export interface CohortGroup {
  /** The grouping's value; undefined for the whole cohort. */
  value?: string;
  members: readonly CohortMember[];
  /** Too small to show, or hidden so that a small group cannot be recovered from the cohort size. */
  suppressed: boolean;
}

const AGE_BAND_ORDER: readonly string[] = [...AGE_BANDS, 'unknown'];

/** Age bands from the youngest (`9-17` before `18-20`), every other grouping by its codes. */
function compareGroupValues(by: Grouping): (a: string, b: string) => number {
  return by === 'ageBand' ? (a, b) => AGE_BAND_ORDER.indexOf(a) - AGE_BAND_ORDER.indexOf(b) : compareCodes;
}

/** The cohort as one group, or its groups by a grouping (the values that occur, in order), with groups suppressed. */
export function groupsOf(members: readonly CohortMember[], by: Grouping | undefined, k: number): CohortGroup[] {
  if (by === undefined) return [{ members, suppressed: false }];
  const byValue = new Map<string, CohortMember[]>();
  for (const member of members) {
    const value = member.attributes[by];
    const group = byValue.get(value);
    if (group) group.push(member);
    else byValue.set(value, [member]);
  }
  const values = [...byValue.keys()].sort(compareGroupValues(by));
  // The groups add up to the cohort size, a table whose cells are the groups' sizes.
  const hidden = suppressedCells(
    values.map((value) => byValue.get(value)!.length),
    k,
  );
  return values.map((value, index) => ({ value, members: byValue.get(value)!, suppressed: hidden[index] }));
}

/** One table of a measure, at one offset (for measures with offsets) and for one group: no rows when it is suppressed. */
export function measureTable(
  kind: MeasureTable['kind'],
  offsetMonths: number | undefined,
  by: Grouping | undefined,
  group: CohortGroup,
  rowsOf: (members: readonly CohortMember[]) => Record<string, unknown>[],
): MeasureTable {
  // Keys in the order of MeasureTable: the report's bytes depend on it.
  return {
    kind,
    ...(offsetMonths === undefined ? {} : { offsetMonths }),
    ...(by === undefined ? {} : { group: { [by]: group.value } }),
    ...(by === undefined || group.suppressed ? {} : { groupSize: group.members.length }),
    ...(group.suppressed ? { suppressed: true as const, rows: [] } : { rows: rowsOf(group.members) }),
  };
}

/** Offsets in ascending order, each once. */
export function ascending(offsetsMonths: readonly number[]): number[] {
  return [...new Set(offsetsMonths)].sort((a, b) => a - b);
}
