import { isSmallCount, suppressedCells } from './suppression';

describe('suppression of small counts', () => {
  test('a count from 1 to k-1 is small; zero describes nobody and is not', () => {
    expect([0, 1, 10, 11, 12].map((n) => isSmallCount(n, 11))).toEqual([false, true, true, false, false]);
  });

  test('nothing is hidden when no count is small', () => {
    expect(suppressedCells([11, 0, 40], 11)).toEqual([false, false, false]);
  });

  test('one small cell alone would be the total minus the others: the next smallest is hidden with it', () => {
    expect(suppressedCells([50, 3, 40, 12], 11)).toEqual([false, true, false, true]);
  });

  test('two small cells protect each other: nothing more is hidden', () => {
    expect(suppressedCells([50, 3, 5, 40], 11)).toEqual([false, true, true, false]);
  });

  test('the next smallest may be a zero cell that is shown; of equals, the first', () => {
    expect(suppressedCells([0, 3, 50], 11)).toEqual([true, true, false]);
    expect(suppressedCells([20, 3, 20], 11)).toEqual([true, true, false]);
  });

  test('a cell hidden for another reason counts as hidden, and can be the protecting one', () => {
    expect(suppressedCells([4, 30, 20], 11, [false, false, true])).toEqual([true, false, true]);
    // Hidden alone, even a large cell would be recovered by subtraction.
    expect(suppressedCells([30, 30, 20], 11, [false, false, true])).toEqual([true, false, true]);
  });
});
