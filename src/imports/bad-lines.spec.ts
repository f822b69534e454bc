import { BadLines, MAX_LISTED_ERRORS } from './bad-lines';

describe('BadLines', () => {
  test('lists the errors of the first lines by line number, however they came, and counts the rest', () => {
    const bad = new BadLines();
    // Read in order, then rule errors of earlier lines, as the per-person check finds them.
    for (let line = 3001; line <= 6000; line++) bad.add([{ line, field: 'line', reason: 'not valid JSON' }]);
    for (let line = 2999; line >= 1; line -= 2)
      bad.add([
        { line, field: 'type', reason: 'rule r' },
        { line, field: 'data.x', reason: 'bad' },
      ]);
    expect(bad.count).toBe(3000 + 1500);
    const listed = bad.listed();
    expect(listed).toHaveLength(MAX_LISTED_ERRORS);
    expect(listed.slice(0, 4)).toEqual([
      { line: 1, field: 'type', reason: 'rule r' },
      { line: 1, field: 'data.x', reason: 'bad' },
      { line: 3, field: 'type', reason: 'rule r' },
      { line: 3, field: 'data.x', reason: 'bad' },
    ]);
    expect(listed.at(-1)).toEqual({ line: 999, field: 'data.x', reason: 'bad' });
    expect(bad.unlisted()).toBe(4500 - 500);
  });

  test('few bad lines are all listed', () => {
    const bad = new BadLines();
    bad.add([{ line: 7, field: 'occurredAt', reason: 'bad date' }]);
    bad.add([{ line: 2, field: 'personId', reason: 'must be a UUID' }]);
    expect(bad.listed().map((error) => error.line)).toEqual([2, 7]);
    expect(bad.unlisted()).toBe(0);
  });
});
