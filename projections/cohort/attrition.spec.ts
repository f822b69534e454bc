import { givenEntrant, givenEntrants, memberOf, membersOf, type GivenPerson } from '../../test/support/cohort-given';
import { attritionTables, followUpOf } from './attrition';

const closed = (person: GivenPerson, reason: string, occurredAt: string) => person.add('CaseClosed', { reason }, occurredAt);

describe('attrition', () => {
  describe('how a person’s follow-up ends', () => {
    test('month m runs from entry + m-1 months to the day before entry + m months, month ends clamped', () => {
      const inFirst = givenEntrant('2024-01-31');
      closed(inFirst, 'goals_met', '2024-02-28');
      const inSecond = givenEntrant('2024-01-31');
      closed(inSecond, 'goals_met', '2024-02-29');
      expect([followUpOf(memberOf(inFirst), '2025-12-31'), followUpOf(memberOf(inSecond), '2025-12-31')]).toEqual([
        { lastMonth: 1, reason: 'closed:goals_met' },
        { lastMonth: 2, reason: 'closed:goals_met' },
      ]);
    });

    test('the first way of leaving by date; on one day: closed, declined, lost contact, re-trafficked', () => {
      const person = givenEntrant('2024-01-15');
      person.add('ReTraffickingReported', {}, '2024-03-01');
      person.add('ContactLost', {}, '2024-03-01');
      expect(followUpOf(memberOf(person), '2025-12-31')).toEqual({ lastMonth: 2, reason: 'lost_contact' });
      person.add('AssistanceDeclined', { scope: 'assistance' }, '2024-03-01');
      expect(followUpOf(memberOf(person), '2025-12-31')).toEqual({ lastMonth: 2, reason: 'declined' });
      closed(person, 'moved_away', '2024-03-01');
      expect(followUpOf(memberOf(person), '2025-12-31')).toEqual({ lastMonth: 2, reason: 'closed:moved_away' });
      person.add('ReTraffickingReported', {}, '2024-02');
      expect(followUpOf(memberOf(person), '2025-12-31')).toEqual({ lastMonth: 1, reason: 're_trafficked' });
    });

    test('contact lost counts from its first loss, only when not re-established by the end of the observation', () => {
      const person = givenEntrant('2024-01-31');
      person.add('ContactLost', {}, '2024-02-10');
      person.add('ContactReestablished', {}, '2024-03-01');
      person.add('ContactLost', {}, '2024-05-01');
      person.add('ContactLost', {}, '2024-06-01');
      person.add('ContactReestablished', {}, '2026-01-05');
      expect(followUpOf(memberOf(person), '2025-12-31')).toEqual({ lastMonth: 4, reason: 'lost_contact' });
      expect(followUpOf(memberOf(person), '2026-01-05')).toEqual({ lastMonth: 24 });
    });

    test('contact lost before entry and never re-established: gone from the entry day', () => {
      const person = givenEntrant('2024-01-31');
      person.add('ContactLost', {}, '2023-12-01');
      expect(followUpOf(memberOf(person), '2025-12-31')).toEqual({ lastMonth: 1, reason: 'lost_contact' });
    });

    test('what happened before entry or after the observation, and declining a single domain, are no leaving', () => {
      const person = givenEntrant('2024-01-31');
      closed(person, 'referred', '2024-01-30');
      person.add('ReTraffickingReported', {}, '2023-06');
      person.add('AssistanceDeclined', { scope: 'accommodation' }, '2024-03-01');
      closed(person, 'goals_met', '2024-07-01');
      // Censored in the month the observation ends: 30 June 2024 is entry + 5 months, the start of month 6.
      expect(followUpOf(memberOf(person), '2024-06-30')).toEqual({ lastMonth: 6 });
      expect(followUpOf(memberOf(person), '2024-06-29')).toEqual({ lastMonth: 5 });
      expect(followUpOf(memberOf(person), '2024-07-01')).toEqual({ lastMonth: 6, reason: 'closed:goals_met' });
    });

    test('an observation ending before the entry follows the person in no month', () => {
      expect(followUpOf(memberOf(givenEntrant('2024-01-31')), '2024-01-30')).toEqual({ lastMonth: 0 });
    });
  });

  describe('tables', () => {
    test('followed, leaving by reason, censored, and Kaplan–Meier retention counting the censored out', () => {
      const lateEntrants = givenEntrants(4, '2024-11-15');
      const [goalsMet, reTrafficked, lost, declined, ...stayed] = givenEntrants(6, '2024-01-01');
      closed(goalsMet, 'goals_met', '2024-01-10');
      reTrafficked.add('ReTraffickingReported', {}, '2024-02-05');
      lost.add('ContactLost', {}, '2024-03-03');
      declined.add('ContactLost', {}, '2024-02-01');
      declined.add('ContactReestablished', {}, '2024-02-20');
      declined.add('AssistanceDeclined', { scope: 'assistance' }, '2024-03-20');
      const members = membersOf([...lateEntrants, goalsMet, reTrafficked, lost, declined, ...stayed]);
      // k = 1 shows every count: the arithmetic alone.
      expect(attritionTables(members, { kind: 'attrition', months: 3 }, '2024-12-31', 1)).toEqual([
        {
          kind: 'attrition',
          rows: [
            { month: 1, followed: 10, left: [{ reason: 'closed:goals_met', n: 1 }], censored: 0, retention: 0.9 },
            // The four entrants of 15 November are censored on 31 December, in their second month.
            { month: 2, followed: 9, left: [{ reason: 're_trafficked', n: 1 }], censored: 4, retention: 0.8 },
            // 0.8 × (1 - 2/4): those censored are no longer at risk.
            {
              month: 3,
              followed: 4,
              left: [
                { reason: 'declined', n: 1 },
                { reason: 'lost_contact', n: 1 },
              ],
              censored: 0,
              retention: 0.4,
            },
          ],
        },
      ]);
    });

    test('retention is rounded to four decimals, from the unrounded product', () => {
      const people = givenEntrants(7, '2024-01-01');
      closed(people[0], 'goals_met', '2024-01-10');
      closed(people[1], 'goals_met', '2024-02-10');
      const [table] = attritionTables(membersOf(people), { kind: 'attrition', months: 2 }, '2025-12-31', 1);
      // 6/7 = 0.857142…; 6/7 × 5/6 = 0.714285…
      expect(table.rows.map((row) => row.retention)).toEqual([0.8571, 0.7143]);
    });

    test('a small reason is hidden with the next smallest reason (their total is known); retention is shown where at least k are followed', () => {
      const people = givenEntrants(40, '2024-01-01', (person, index) => {
        if (index < 3) closed(person, 'goals_met', '2024-01-10');
        else if (index < 15) person.add('AssistanceDeclined', { scope: 'assistance' }, '2024-01-20');
      });
      const [table] = attritionTables(membersOf(people), { kind: 'attrition', months: 2 }, '2025-12-31', 11);
      expect(table.rows).toEqual([
        // Leaving 3 and 12: followed and the retention give their total 15, so the 12 is hidden with the 3.
        {
          month: 1,
          followed: 40,
          left: [
            { reason: 'closed:goals_met', suppressed: true },
            { reason: 'declined', suppressed: true },
          ],
          censored: 0,
          retention: 0.625,
          suppressed: true,
        },
        { month: 2, followed: 25, left: [], censored: 0, retention: 0.625 },
      ]);
    });

    test('a month with fewer than k followed shows only that it is suppressed', () => {
      const people = givenEntrants(12, '2024-01-01', (person, index) => {
        if (index < 2) closed(person, 'goals_met', '2024-01-10');
      });
      const [table] = attritionTables(membersOf(people), { kind: 'attrition', months: 2 }, '2025-12-31', 11);
      expect(table.rows).toEqual([
        // 2 left and 10 still followed protect each other.
        { month: 1, followed: 12, left: [{ reason: 'closed:goals_met', suppressed: true }], censored: 0, retention: 0.8333, suppressed: true },
        { month: 2, suppressed: true },
      ]);
    });

    test('by a grouping: one table per group, without an offset', () => {
      const people = [...givenEntrants(11, '2024-01-01'), ...givenEntrants(11, '2024-01-01', () => {}, { gender: 'male', birthYear: 1990, citizenship: 'MD' })];
      const tables = attritionTables(membersOf(people), { kind: 'attrition', months: 1, by: 'gender' }, '2025-12-31', 11);
      expect(tables).toEqual(
        ['female', 'male'].map((gender) => ({
          kind: 'attrition',
          group: { gender },
          groupSize: 11,
          rows: [{ month: 1, followed: 11, left: [], censored: 0, retention: 1 }],
        })),
      );
    });
  });
});
