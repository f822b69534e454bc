/**
 * Disclosure control: no count shown to an evaluator may single out fewer than k persons. Zero is not such a count:
 * it describes nobody.
 */
export function isSmallCount(n: number, k: number): boolean {
  return n > 0 && n < k;
}

/**
 * Which cells of a table to hide: every small count, and those `alsoHidden` marks. The cells of every cohort table
 * add up to its total, which is shown, so one hidden cell alone would be recovered by subtraction: then the next
 * smallest cell (the first of equals) is hidden with it.
 */
export function suppressedCells(counts: readonly number[], k: number, alsoHidden: readonly boolean[] = []): boolean[] {
  const hidden = counts.map((n, index) => isSmallCount(n, k) || alsoHidden[index] === true);
  if (hidden.filter(Boolean).length !== 1) return hidden;
  let next: number | undefined;
  counts.forEach((n, index) => {
    if (!hidden[index] && (next === undefined || n < counts[next])) next = index;
  });
  if (next !== undefined) hidden[next] = true;
  return hidden;
}
