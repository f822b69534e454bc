import { givenEntrant, givenEntrants, memberOf, membersOf, type GivenPerson } from '../../test/support/cohort-given';
import type { DomainTrajectories } from './definition';
import { assessmentNear, domainTrajectoriesTables, isAchieved } from './domain-trajectories';

const assessed = (person: GivenPerson, domain: string, indicator: string, value: unknown, occurredAt: string) =>
  person.add('OutcomeAssessed', { domain, indicator, value }, occurredAt);

describe('domain trajectories', () => {
  describe('the assessment that counts for a day', () => {
    test('within the window by the calendar, from day - window months to day + window months, the month end clamped', () => {
      const person = givenEntrant('2024-01-01');
      assessed(person, 'accommodation', 'safe_housing', 'early', '2023-11-28');
      assessed(person, 'accommodation', 'safe_housing', 'late', '2024-05-30');
      const member = memberOf(person);
      // 29 February 2024 - 3 months is 29 November 2023, + 3 months 29 May 2024.
      expect(assessmentNear(member, 'accommodation', 'safe_housing', '2024-02-29', 3)).toBeUndefined();
      assessed(person, 'accommodation', 'safe_housing', 'first day', '2023-11-29');
      expect(assessmentNear(memberOf(person), 'accommodation', 'safe_housing', '2024-02-29', 3)).toBe('first day');
      assessed(person, 'accommodation', 'safe_housing', 'last day', '2024-05-29');
      // 92 days before, 90 days after: the later is nearer.
      expect(assessmentNear(memberOf(person), 'accommodation', 'safe_housing', '2024-02-29', 3)).toBe('last day');
    });

    test('the nearest counts; of two as near, the earlier; of one day, the first in the log', () => {
      const person = givenEntrant('2024-01-01');
      assessed(person, 'mental_health', 'phq9', 'after', '2024-07-11');
      assessed(person, 'mental_health', 'phq9', 'before', '2024-06-21');
      assessed(person, 'mental_health', 'phq9', 'far', '2024-05-01');
      expect(assessmentNear(memberOf(person), 'mental_health', 'phq9', '2024-07-01', 3)).toBe('before');
      assessed(person, 'mental_health', 'phq9', 'same day, later in the log', '2024-06-21');
      expect(assessmentNear(memberOf(person), 'mental_health', 'phq9', '2024-07-01', 3)).toBe('before');
      assessed(person, 'mental_health', 'phq9', 'nearest', '2024-07');
      expect(assessmentNear(memberOf(person), 'mental_health', 'phq9', '2024-07-01', 3)).toBe('nearest');
    });

    test('only assessments of that domain and indicator', () => {
      const person = givenEntrant('2024-01-01');
      assessed(person, 'mental_health', 'gad7', 1, '2024-07-01');
      assessed(person, 'physical_health', 'phq9', 2, '2024-07-01');
      person.add('ServiceDelivered', { domain: 'mental_health', serviceType: 'counselling' }, '2024-07-01');
      expect(assessmentNear(memberOf(person), 'mental_health', 'phq9', '2024-07-01', 3)).toBeUndefined();
    });
  });

  test('achieved: equal to a value, or a number at least a threshold', () => {
    expect(isAchieved('yes', { indicator: 'x', equals: 'yes' })).toBe(true);
    expect(isAchieved('no', { indicator: 'x', equals: 'yes' })).toBe(false);
    expect(isAchieved(true, { indicator: 'x', equals: 'true' })).toBe(false);
    expect(isAchieved(5, { indicator: 'x', atLeast: 5 })).toBe(true);
    expect(isAchieved(4.9, { indicator: 'x', atLeast: 5 })).toBe(false);
    expect(isAchieved('7', { indicator: 'x', atLeast: 5 })).toBe(false);
  });

  describe('tables', () => {
    const k = 11;
    const measure: DomainTrajectories = {
      kind: 'domainTrajectories',
      offsetsMonths: [12, 0],
      achieved: { mental_health: { indicator: 'phq9', atLeast: 10 }, accommodation: { indicator: 'safe_housing', equals: 'yes' } },
      windowMonths: 3,
    };

    test('per offset (0 the entry day) and domain by name: observed, achieved, missing, percent achieved of the observed', () => {
      const people = givenEntrants(50, '2024-03-15', (person, index) => {
        if (index < 39) assessed(person, 'accommodation', 'safe_housing', index < 28 ? 'yes' : 'no', '2024-02-01');
        if (index < 24) assessed(person, 'accommodation', 'safe_housing', 'yes', '2025-03-15');
        // A day outside the window of 15 March 2025.
        if (index >= 24 && index < 36) assessed(person, 'accommodation', 'safe_housing', 'no', '2025-06-16');
      });
      const tables = domainTrajectoriesTables(membersOf(people), measure, k);
      expect(tables).toEqual([
        {
          kind: 'domainTrajectories',
          offsetMonths: 0,
          rows: [
            { domain: 'accommodation', indicator: 'safe_housing', observed: 39, achieved: 28, missing: 11, percentAchieved: 71.8 },
            { domain: 'mental_health', indicator: 'phq9', observed: 0, achieved: 0, missing: 50, percentAchieved: null },
          ],
        },
        {
          kind: 'domainTrajectories',
          offsetMonths: 12,
          rows: [
            { domain: 'accommodation', indicator: 'safe_housing', observed: 24, achieved: 24, missing: 26, percentAchieved: 100 },
            { domain: 'mental_health', indicator: 'phq9', observed: 0, achieved: 0, missing: 50, percentAchieved: null },
          ],
        },
      ]);
    });

    test('a small achieved count is hidden, and a cell with it, so that neither follows from the group size', () => {
      const people = givenEntrants(40, '2024-03-15', (person, index) => {
        assessed(person, 'mental_health', 'phq9', index < 5 ? 12 : 3, '2024-03-01');
      });
      const [baseline] = domainTrajectoriesTables(membersOf(people), { ...measure, offsetsMonths: [0] }, k);
      // achieved 5, not achieved 35, missing 0: missing is the next smallest, so observed goes with it.
      expect(baseline.rows[1]).toEqual({ domain: 'mental_health', indicator: 'phq9', suppressed: true });
    });

    test('a small number observed hides observed and missing (either gives the other)', () => {
      const people = givenEntrants(40, '2024-03-15', (person, index) => {
        if (index < 4) assessed(person, 'mental_health', 'phq9', 3, '2024-03-01');
      });
      const [baseline] = domainTrajectoriesTables(membersOf(people), { ...measure, offsetsMonths: [0] }, k);
      expect(baseline.rows[1]).toEqual({ domain: 'mental_health', indicator: 'phq9', achieved: 0, suppressed: true });
    });

    test('a small missing count hides observed and missing; achieved stays when it is safe', () => {
      const people = givenEntrants(40, '2024-03-15', (person, index) => {
        if (index < 36) assessed(person, 'mental_health', 'phq9', index < 20 ? 15 : 2, '2024-03-01');
      });
      const [baseline] = domainTrajectoriesTables(membersOf(people), { ...measure, offsetsMonths: [0] }, k);
      // achieved 20, not achieved 16, missing 4: not achieved, the next smallest, is hidden with missing.
      expect(baseline.rows[1]).toEqual({ domain: 'mental_health', indicator: 'phq9', achieved: 20, suppressed: true });
    });
  });
});
