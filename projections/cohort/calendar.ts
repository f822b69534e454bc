/**
 * Calendar arithmetic of cohort studies, on days written `YYYY-MM-DD`: such days compare as text, and a date
 * recorded with month precision (`YYYY-MM`) counts as the first day of its month.
 */
export type Day = string;

/** The day a recorded date stands for: `YYYY-MM` is the first of that month. */
export function dayOf(date: string): Day {
  return date.length === 7 ? `${date}-01` : date;
}

/** The UTC day of an ISO 8601 instant. */
export function dayOfInstant(instant: string): Day {
  return new Date(instant).toISOString().slice(0, 10);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** `day` plus (or, negative, minus) `months` calendar months, the day clamped to the month's end (31 Jan + 1 = 28/29 Feb). */
export function addMonths(day: Day, months: number): Day {
  const monthIndex = Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1 + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  const date = Math.min(Number(day.slice(8, 10)), daysInMonth(year, month));
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(date, 2)}`;
}

/** Whole calendar months from `from` to `to`: the largest n with `from` + n months on or before `to` (negative before it). */
export function monthsBetween(from: Day, to: Day): number {
  const months = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
  // `from` + months lies in the month of `to`: one month fewer when it lies after `to` in that month.
  return addMonths(from, months) > to ? months - 1 : months;
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: Day, to: Day): number {
  return (dayNumber(to) - dayNumber(from)) / 86_400_000;
}

function dayNumber(day: Day): number {
  // setUTCFullYear, unlike Date.UTC, takes years 0-99 as they are.
  return new Date(0).setUTCFullYear(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}
