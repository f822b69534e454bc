import { ageBandAtEntry } from './age-band';

describe('the age band at entry', () => {
  test.each([
    [2024, '0-8'],
    [2016, '0-8'],
    [2015, '9-17'],
    [2007, '9-17'],
    [2006, '18-20'],
    [2004, '18-20'],
    [2003, '21-23'],
    [2000, '24-26'],
    [1997, '27-29'],
    [1994, '30-38'],
    [1986, '30-38'],
    [1985, '39-47'],
    [1977, '39-47'],
    [1976, '48+'],
    [1930, '48+'],
  ])('born in %i, entering in 2024: %s (CTDC bands)', (birthYear, band) => {
    expect(ageBandAtEntry(birthYear, '2024-06-15')).toBe(band);
  });

  test('only the year is recorded, so the age is the entry year minus the birth year, whatever the day', () => {
    expect(ageBandAtEntry(2000, '2020-01-01')).toBe('18-20');
    expect(ageBandAtEntry(2000, '2020-12-31')).toBe('18-20');
    expect(ageBandAtEntry(2000, '2021-01-01')).toBe('21-23');
  });

  test('no birth year (a registration with only an age band), or one after the entry, is unknown', () => {
    expect(ageBandAtEntry(undefined, '2024-06-15')).toBe('unknown');
    expect(ageBandAtEntry('1990', '2024-06-15')).toBe('unknown');
    expect(ageBandAtEntry(1990.5, '2024-06-15')).toBe('unknown');
    expect(ageBandAtEntry(2025, '2024-06-15')).toBe('unknown');
  });
});
