/** Dates as events carry them: `YYYY-MM-DD`, or `YYYY-MM` when only the month is known. */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const EARLIEST_YEAR = 1900;
/** UTC+14 is the earliest clock on Earth: a date that is today anywhere is not "in the future". */
const LATEST_UTC_OFFSET_MS = 14 * 60 * 60 * 1000;

/** Today in UTC, as the `occurredAt` of an event the system records as it happens (personal data, erasure). */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** A `YYYY-MM-DD` date that exists in the calendar (2025-02-30 does not). */
export function isCalendarDate(value: unknown): value is string {
  const match = typeof value === 'string' ? DAY.exec(value) : null;
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A `YYYY-MM-DD` day that exists in the calendar, or a `YYYY-MM` month (the calendar has no year 0). */
export function isCalendarDayOrMonth(value: unknown): value is string {
  const monthMatch = typeof value === 'string' ? MONTH.exec(value) : null;
  return monthMatch ? Number(monthMatch[1]) > 0 && isMonth(Number(monthMatch[2])) : isCalendarDate(value);
}

/** Why `value` is not a valid occurredAt (a real day or month, from 1900, not in the future), or null when it is. */
export function validateOccurredAt(value: unknown, now: Date = new Date()): string | null {
  if (typeof value !== 'string' || !(DAY.test(value) || MONTH.test(value))) {
    return 'must be a date as YYYY-MM-DD, or YYYY-MM when only the month is known';
  }
  if (!isCalendarDayOrMonth(value)) return 'must be a date that exists';
  if (Number(value.slice(0, 4)) < EARLIEST_YEAR) return `must be in ${EARLIEST_YEAR} or later`;
  const latestToday = new Date(now.getTime() + LATEST_UTC_OFFSET_MS).toISOString().slice(0, value.length);
  if (value > latestToday) return 'must not be in the future';
  return null;
}

function isMonth(month: number): boolean {
  return month >= 1 && month <= 12;
}
