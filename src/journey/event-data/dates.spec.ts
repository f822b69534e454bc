import { isCalendarDate, validateOccurredAt } from './dates';

describe('validateOccurredAt', () => {
  const now = new Date('2025-06-15T12:00:00Z');

  it('takes a day or a month that exists', () => {
    for (const value of ['2025-06-15', '2024-02-29', '1999-12-31', '2025-06', '1900-01']) {
      expect(validateOccurredAt(value, now)).toBeNull();
    }
  });

  it('refuses other shapes', () => {
    for (const value of ['2025', '2025-6-1', '15/06/2025', '2025-06-15T10:00:00Z', ' 2025-06-15', 20250615, null, undefined]) {
      expect(validateOccurredAt(value, now)).toMatch(/YYYY-MM-DD/);
    }
  });

  it('refuses dates that do not exist', () => {
    for (const value of ['2025-02-30', '2023-02-29', '2025-04-31', '2025-13-01', '2025-00', '2025-13', '2025-01-00']) {
      expect(validateOccurredAt(value, now)).toBe('must be a date that exists');
    }
  });

  it('refuses the future, allowing for the earliest time zone', () => {
    expect(validateOccurredAt('2025-06-16', now)).toBeNull(); // already the 16th at UTC+14
    expect(validateOccurredAt('2025-06-17', now)).toBe('must not be in the future');
    expect(validateOccurredAt('2025-07', now)).toBe('must not be in the future');
    expect(validateOccurredAt('2026-01-01', now)).toBe('must not be in the future');
  });

  it('refuses the future by default against the real clock', () => {
    const nextYear = new Date().getUTCFullYear() + 1;
    expect(validateOccurredAt(`${nextYear}-12-31`)).toBe('must not be in the future');
    expect(validateOccurredAt(`${nextYear - 2}-01-31`)).toBeNull();
  });

  it('refuses years before 1900', () => {
    expect(validateOccurredAt('1899-12-31', now)).toBe('must be in 1900 or later');
  });
});

describe('isCalendarDate', () => {
  it('is true only of an existing YYYY-MM-DD day', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2100-02-29')).toBe(false);
    expect(isCalendarDate('2024-02')).toBe(false);
    expect(isCalendarDate(20240229)).toBe(false);
  });
});
