import { definitionOf, givenEntrant, givenEntrants, memberOf, membersOf, type GivenPerson } from '../../test/support/cohort-given';
import type { StatusAtOffsets } from './definition';
import { statusAtOffsetsTables, statusOn } from './status-at-offsets';

const employed = (person: GivenPerson, status: string, occurredAt: string) =>
  person.add('EmploymentStatusRecorded', { status, employed: status !== 'student' }, occurredAt);

describe('status at offsets', () => {
  describe('a person’s status on a day: the first that applies', () => {
    test('re-trafficked before lost contact, before employment, before declined, else unknown', () => {
      const person = givenEntrant('2024-01-15');
      expect(statusOn(memberOf(person), '2024-02-01')).toBe('unknown');
      person.add('AssistanceDeclined', { scope: 'assistance' }, '2024-02-01');
      expect(statusOn(memberOf(person), '2024-02-01')).toBe('declined');
      employed(person, 'self_employed', '2024-03-01');
      expect(statusOn(memberOf(person), '2024-03-01')).toBe('self_employed');
      person.add('ContactLost', {}, '2024-04-01');
      expect(statusOn(memberOf(person), '2024-04-01')).toBe('lost_contact');
      person.add('ReTraffickingReported', {}, '2024-05-01');
      const member = memberOf(person);
      expect(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-01'].map((day) => statusOn(member, day))).toEqual([
        'unknown',
        'declined',
        'self_employed',
        'lost_contact',
        're_trafficked',
      ]);
    });

    test('only what happened on or before the day counts, a month-precision date as the first of its month', () => {
      const person = givenEntrant('2024-01-15');
      employed(person, 'student', '2024-06');
      const member = memberOf(person);
      expect([statusOn(member, '2024-05-31'), statusOn(member, '2024-06-01')]).toEqual(['unknown', 'student']);
    });

    test('the latest employment status by date, even when it was recorded before an older one', () => {
      const person = givenEntrant('2024-01-15');
      employed(person, 'private_business', '2024-09-01');
      employed(person, 'unemployed', '2024-03-01');
      const member = memberOf(person);
      expect([statusOn(member, '2024-06-30'), statusOn(member, '2024-12-31')]).toEqual(['unemployed', 'private_business']);
    });

    test('contact re-established on or before the day ends the loss; on one day, the later in the log wins', () => {
      const person = givenEntrant('2024-01-15');
      employed(person, 'student', '2024-02-01');
      person.add('ContactLost', {}, '2024-03-01');
      person.add('ContactReestablished', {}, '2024-05-10');
      person.add('ContactReestablished', {}, '2024-08-01');
      person.add('ContactLost', {}, '2024-08-01');
      const member = memberOf(person);
      expect(['2024-05-09', '2024-05-10', '2024-07-31', '2024-08-01'].map((day) => statusOn(member, day))).toEqual([
        'lost_contact',
        'student',
        'student',
        'lost_contact',
      ]);
    });

    test('declining one domain of assistance is not declining assistance', () => {
      const person = givenEntrant('2024-01-15');
      person.add('AssistanceDeclined', { scope: 'accommodation' }, '2024-02-01');
      expect(statusOn(memberOf(person), '2024-03-01')).toBe('unknown');
    });
  });

  describe('tables', () => {
    const k = 11;
    /** 60 entrants on 31 January 2024: statuses recorded on the 12-month date, 29 February 2024 being 1 month on. */
    function cohort(): GivenPerson[] {
      const statuses = [
        ...Array<string>(28).fill('private_business'),
        ...Array<string>(15).fill('state_owned_business'),
        ...Array<string>(12).fill('student'),
        ...Array<string>(5).fill('self_employed'),
      ];
      return givenEntrants(60, '2024-01-31', (person, index) => employed(person, statuses[index], '2025-01-31'));
    }

    test('per offset, ascending, every category that occurs by name with n and percent of the total; small counts hidden with the next smallest', () => {
      const people = cohort();
      // At 1 month, 29 February 2024, some have found work already.
      for (const person of people.slice(0, 12)) employed(person, 'unemployed', '2024-02-29');
      const measure: StatusAtOffsets = { kind: 'statusAtOffsets', offsetsMonths: [12, 1] };
      expect(statusAtOffsetsTables(membersOf(people), measure, k)).toEqual([
        {
          kind: 'statusAtOffsets',
          offsetMonths: 1,
          rows: [
            { category: 'unemployed', n: 12, percent: 20 },
            { category: 'unknown', n: 48, percent: 80 },
          ],
        },
        {
          kind: 'statusAtOffsets',
          offsetMonths: 12,
          rows: [
            { category: 'private_business', n: 28, percent: 46.7 },
            { category: 'self_employed', suppressed: true },
            { category: 'state_owned_business', n: 15, percent: 25 },
            // 5 self-employed would be 60 minus the others: the next smallest is hidden too.
            { category: 'student', suppressed: true },
          ],
        },
      ]);
    });

    test('two small categories protect each other', () => {
      const people = cohort();
      for (const person of people.slice(0, 3)) person.add('ContactLost', {}, '2024-06-01');
      const [table] = statusAtOffsetsTables(membersOf(people), { kind: 'statusAtOffsets', offsetsMonths: [12] }, k);
      expect(table.rows).toEqual([
        { category: 'lost_contact', suppressed: true },
        { category: 'private_business', n: 25, percent: 41.7 },
        { category: 'self_employed', suppressed: true },
        { category: 'state_owned_business', n: 15, percent: 25 },
        { category: 'student', n: 12, percent: 20 },
      ]);
    });

    test('by a grouping: one table per offset and group, in order; a group under k hidden, with the next smallest group', () => {
      const women = givenEntrants(30, '2024-03-01', (person) => employed(person, 'student', '2024-09-01'));
      const men = givenEntrants(12, '2024-03-01', (person) => employed(person, 'student', '2024-09-01'), {
        gender: 'male',
        birthYear: 1990,
        citizenship: 'MD',
      });
      const other = givenEntrants(4, '2024-03-01', () => {}, { gender: 'other', birthYear: 1990, citizenship: 'MD' });
      const tables = statusAtOffsetsTables(membersOf([...women, ...men, ...other]), { kind: 'statusAtOffsets', offsetsMonths: [6, 0], by: 'gender' }, k);
      expect(tables.map(({ offsetMonths, group, groupSize, suppressed }) => ({ offsetMonths, group, groupSize, suppressed }))).toEqual([
        { offsetMonths: 0, group: { gender: 'female' }, groupSize: 30, suppressed: undefined },
        { offsetMonths: 0, group: { gender: 'male' }, groupSize: undefined, suppressed: true },
        { offsetMonths: 0, group: { gender: 'other' }, groupSize: undefined, suppressed: true },
        { offsetMonths: 6, group: { gender: 'female' }, groupSize: 30, suppressed: undefined },
        { offsetMonths: 6, group: { gender: 'male' }, groupSize: undefined, suppressed: true },
        { offsetMonths: 6, group: { gender: 'other' }, groupSize: undefined, suppressed: true },
      ]);
      expect(tables[3]).toEqual({
        kind: 'statusAtOffsets',
        offsetMonths: 6,
        group: { gender: 'female' },
        groupSize: 30,
        rows: [{ category: 'student', n: 30, percent: 100 }],
      });
      expect(tables[4]).toEqual({ kind: 'statusAtOffsets', offsetMonths: 6, group: { gender: 'male' }, suppressed: true, rows: [] });
      // The keys keep one order: the report's bytes depend on it.
      expect(Object.keys(tables[3])).toEqual(['kind', 'offsetMonths', 'group', 'groupSize', 'rows']);
    });

    test('age bands are grouped from the youngest, unknown last; percentages are of the group', () => {
      const people = [
        ...givenEntrants(11, '2024-03-01', () => {}, { gender: 'female', birthYear: 2010, citizenship: 'MD' }),
        ...givenEntrants(11, '2024-03-01', () => {}, { gender: 'female', birthYear: 1970, citizenship: 'MD' }),
        ...givenEntrants(11, '2024-03-01', () => {}, { gender: 'female', ageBand: '18-24', citizenship: 'MD' }),
        ...givenEntrants(11, '2024-03-01', () => {}, { gender: 'female', birthYear: 2004, citizenship: 'MD' }),
      ];
      const tables = statusAtOffsetsTables(membersOf(people, definitionOf()), { kind: 'statusAtOffsets', offsetsMonths: [6], by: 'ageBand' }, k);
      expect(tables.map((table) => table.group?.ageBand)).toEqual(['9-17', '18-20', '48+', 'unknown']);
      expect(tables[0].rows).toEqual([{ category: 'unknown', n: 11, percent: 100 }]);
    });
  });
});
