import fc from 'fast-check';
import { addMonths, dayOf, dayOfInstant, daysBetween, monthsBetween } from './calendar';

describe('the cohort calendar', () => {
  test('a month-precision date is the first of its month; a day stays itself', () => {
    expect(dayOf('2024-05')).toBe('2024-05-01');
    expect(dayOf('2024-05-17')).toBe('2024-05-17');
  });

  test('adding months clamps the day to the end of the month, leap years included', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2000-01-31', 1)).toBe('2000-02-29');
    expect(addMonths('2100-01-31', 1)).toBe('2100-02-28');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-05-31', 1)).toBe('2024-06-30');
    expect(addMonths('2024-01-31', 2)).toBe('2024-03-31');
  });

  test('months cross years both ways, and can be subtracted', () => {
    expect(addMonths('2024-11-15', 3)).toBe('2025-02-15');
    expect(addMonths('2024-01-15', -1)).toBe('2023-12-15');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonths('2024-05-31', -3)).toBe('2024-02-29');
    expect(addMonths('2024-06-30', -24)).toBe('2022-06-30');
    expect(addMonths('2024-06-30', 0)).toBe('2024-06-30');
  });

  test('whole months between two days, with clamped month ends', () => {
    expect(monthsBetween('2024-01-15', '2024-01-15')).toBe(0);
    expect(monthsBetween('2024-01-15', '2024-02-14')).toBe(0);
    expect(monthsBetween('2024-01-15', '2024-02-15')).toBe(1);
    expect(monthsBetween('2024-01-15', '2025-01-14')).toBe(11);
    expect(monthsBetween('2024-01-15', '2025-01-15')).toBe(12);
    expect(monthsBetween('2024-01-31', '2024-02-28')).toBe(0);
    expect(monthsBetween('2024-01-31', '2024-02-29')).toBe(1);
    expect(monthsBetween('2024-01-31', '2024-03-30')).toBe(1);
    expect(monthsBetween('2024-01-31', '2024-03-31')).toBe(2);
    expect(monthsBetween('2024-01-15', '2024-01-14')).toBe(-1);
    expect(monthsBetween('2024-03-15', '2023-12-20')).toBe(-3);
  });

  test('months between: from + n months is on or before the day, from + n + 1 after it', () => {
    const day = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 11, 31) }).map((time) => new Date(time).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, (from, to) => {
        const n = monthsBetween(from, to);
        return addMonths(from, n) <= to && addMonths(from, n + 1) > to;
      }),
    );
  });

  test('days between two days count leap days', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2023-02-28', '2023-03-01')).toBe(1);
    expect(daysBetween('2024-03-01', '2024-02-28')).toBe(-2);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
  });

  test('an instant falls on its UTC day', () => {
    expect(dayOfInstant('2025-12-31T23:59:59Z')).toBe('2025-12-31');
    expect(dayOfInstant('2026-01-01T00:30:00+02:00')).toBe('2025-12-31');
  });
});
