import { givenEntrants, membersOf } from '../../test/support/cohort-given';
import { ascending, compareCodes, groupsOf, measureTable, percentOf } from './tables';

describe('what cohort tables share', () => {
  test('percentages to one decimal, halves rounded up', () => {
    expect([percentOf(1, 8), percentOf(1, 16), percentOf(2, 3), percentOf(93, 332), percentOf(0, 5), percentOf(5, 5)]).toEqual([12.5, 6.3, 66.7, 28, 0, 100]);
  });

  test('codes in code-unit order, whatever the locale; offsets ascending, each once', () => {
    expect(['b', 'a', 'B', 'ä', '_'].sort(compareCodes)).toEqual(['B', '_', 'a', 'b', 'ä']);
    expect(ascending([24, 6, 12, 6])).toEqual([6, 12, 24]);
  });

  test('groups: the values that occur, in order; one small group is hidden with the next smallest (the first of equals)', () => {
    const registration = (citizenship: string) => ({ gender: 'female', birthYear: 1990, citizenship });
    const members = membersOf([
      ...givenEntrants(20, '2024-03-01', () => {}, registration('UA')),
      ...givenEntrants(12, '2024-03-01', () => {}, registration('RO')),
      ...givenEntrants(12, '2024-03-01', () => {}, registration('MD')),
      ...givenEntrants(3, '2024-03-01', () => {}, registration('VN')),
    ]);
    expect(groupsOf(members, 'citizenship', 11).map(({ value, members: inGroup, suppressed }) => [value, inGroup.length, suppressed])).toEqual([
      ['MD', 12, true],
      ['RO', 12, false],
      ['UA', 20, false],
      ['VN', 3, true],
    ]);
    expect(groupsOf(members, undefined, 11)).toEqual([{ members, suppressed: false }]);
  });

  test('a table’s keys in one order; a suppressed group has neither its size nor rows', () => {
    const members = membersOf(givenEntrants(11, '2024-03-01'));
    const rows = () => [{ category: 'unknown' }];
    expect(Object.keys(measureTable('statusAtOffsets', 6, 'gender', { value: 'female', members, suppressed: false }, rows))).toEqual([
      'kind',
      'offsetMonths',
      'group',
      'groupSize',
      'rows',
    ]);
    expect(measureTable('attrition', undefined, 'gender', { value: 'male', members, suppressed: true }, rows)).toEqual({
      kind: 'attrition',
      group: { gender: 'male' },
      suppressed: true,
      rows: [],
    });
    expect(measureTable('attrition', undefined, undefined, { members, suppressed: false }, rows)).toEqual({
      kind: 'attrition',
      rows: [{ category: 'unknown' }],
    });
  });
});
