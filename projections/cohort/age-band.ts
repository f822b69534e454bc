import type { Day } from './calendar';
import { AGE_BANDS, type AgeBand } from './definition';

export type AgeBandAtEntry = AgeBand | 'unknown';

/** Each band from its lower bound (`18-20` from 18, `48+` from 48), youngest first. */
const LOWER_BOUNDS = AGE_BANDS.map((band) => ({ band, from: Number.parseInt(band, 10) }));

/**
 * The CTDC age band at entry. Only the birth year is recorded, so the age is the entry year minus it. A registration
 * with no birth year (only a free `ageBand` such as `18-24`, which does not map onto CTDC's bands) gives `unknown`,
 * and so does a birth year after the entry.
 */
export function ageBandAtEntry(birthYear: unknown, entry: Day): AgeBandAtEntry {
  if (typeof birthYear !== 'number' || !Number.isInteger(birthYear)) return 'unknown';
  const age = Number(entry.slice(0, 4)) - birthYear;
  if (age < 0) return 'unknown';
  let band: AgeBand = LOWER_BOUNDS[0].band;
  for (const bound of LOWER_BOUNDS) if (age >= bound.from) band = bound.band;
  return band;
}
