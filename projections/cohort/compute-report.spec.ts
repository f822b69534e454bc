import { definitionOf, factsOf, FEMALE_MD_1990, givenEntrant, givenEntrants, givenPerson, type GivenPerson } from '../../test/support/cohort-given';
import { addMonths } from './calendar';
import { CohortBelowKError, computeCohort } from './compute-report';
import type { CohortDefinition } from './definition';

const NOW = { lastPosition: Number.MAX_SAFE_INTEGER, organisationId: null, observationEnd: '2025-12-31T23:59:59Z' };

const employed = (person: GivenPerson, status: string, occurredAt: string, recordedAt?: string) =>
  person.add('EmploymentStatusRecorded', { status, employed: false }, occurredAt, { recordedAt });

describe('computing a cohort report', () => {
  test('a cohort smaller than k is refused, with its size', () => {
    const people = givenEntrants(10, '2024-03-01');
    const refusal = (() => {
      try {
        computeCohort(factsOf(people), definitionOf({ measures: [{ kind: 'attrition', months: 1 }] }), NOW);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(CohortBelowKError);
    expect(refusal).toMatchObject({ cohortSize: 10, k: 11 });
    expect(computeCohort(factsOf(people), definitionOf({ k: 10 }), NOW)).toEqual({ cohortSize: 10, measures: [] });
  });

  test('tables in the definition’s order of measures, then by offset, then by group', () => {
    const people = [...givenEntrants(12, '2024-03-01'), ...givenEntrants(11, '2024-03-01', () => {}, { gender: 'male', birthYear: 1990, citizenship: 'UA' })];
    const definition = definitionOf({
      measures: [
        { kind: 'attrition', months: 1, by: 'citizenship' },
        { kind: 'statusAtOffsets', offsetsMonths: [12, 6], by: 'gender' },
        { kind: 'domainTrajectories', offsetsMonths: [0], achieved: { accommodation: { indicator: 'safe_housing', equals: 'yes' } }, windowMonths: 3 },
      ],
    });
    const { cohortSize, measures } = computeCohort(factsOf(people), definition, NOW);
    expect(cohortSize).toBe(23);
    expect(measures.map(({ kind, offsetMonths, group }) => [kind, offsetMonths, group])).toEqual([
      ['attrition', undefined, { citizenship: 'MD' }],
      ['attrition', undefined, { citizenship: 'UA' }],
      ['statusAtOffsets', 6, { gender: 'female' }],
      ['statusAtOffsets', 6, { gender: 'male' }],
      ['statusAtOffsets', 12, { gender: 'female' }],
      ['statusAtOffsets', 12, { gender: 'male' }],
      ['domainTrajectories', 0, undefined],
    ]);
  });

  test('the observation end censors the attrition', () => {
    const people = givenEntrants(11, '2024-03-01');
    const definition = definitionOf({ measures: [{ kind: 'attrition', months: 2 }] });
    const { measures } = computeCohort(factsOf(people), definition, { ...NOW, observationEnd: '2024-04-15T10:00:00Z' });
    expect(measures[0].rows).toEqual([
      { month: 1, followed: 11, left: [], censored: 0, retention: 1 },
      { month: 2, followed: 11, left: [], censored: 11, retention: 1 },
    ]);
  });

  test('only the persons the organisation held at entry, when the scope names one', () => {
    const people = [...givenEntrants(11, '2024-03-01'), givenEntrant('2024-03-01', FEMALE_MD_1990, 'org-b')];
    expect(computeCohort(factsOf(people), definitionOf(), { ...NOW, organisationId: 'org-a' }).cohortSize).toBe(11);
    expect(computeCohort(factsOf(people), definitionOf(), NOW).cohortSize).toBe(12);
  });

  test('as known at a moment: a status recorded after it does not count', () => {
    const people = Array.from({ length: 23 }, (_, index) => {
      const person = givenPerson();
      person.add('PersonRegistered', FEMALE_MD_1990, '2024-01-15', { recordedAt: '2024-01-15T10:00:00.000Z' });
      person.add('CaseOpened', { programme: 'reintegration' }, '2024-01-15', { recordedAt: '2024-01-15T10:00:00.000Z' });
      // The last status was learned in February 2026.
      employed(person, index < 12 ? 'student' : 'unemployed', '2024-12-01', index === 22 ? '2026-02-01T00:00:00.000Z' : '2024-12-02T00:00:00.000Z');
      return person;
    });
    const rows = (asKnownAt: string | null) =>
      computeCohort(factsOf(people), definitionOf({ asKnownAt, measures: [{ kind: 'statusAtOffsets', offsetsMonths: [12] }] }), NOW).measures[0].rows;
    expect(rows(null)).toEqual([
      { category: 'student', n: 12, percent: 52.2 },
      { category: 'unemployed', n: 11, percent: 47.8 },
    ]);
    expect(rows('2025-12-31T23:59:59Z')).toEqual([
      { category: 'student', n: 12, percent: 52.2 },
      { category: 'unemployed', suppressed: true },
      { category: 'unknown', suppressed: true },
    ]);
  });

  test('reproducible: events after the tree change nothing, and the report is the same to the byte', () => {
    const people = givenEntrants(30, '2024-02-29', (person, index) => employed(person, index % 2 ? 'student' : 'self_employed', '2025-02-01'));
    const definition = definitionOf({
      measures: [
        { kind: 'statusAtOffsets', offsetsMonths: [12], by: 'returned' },
        { kind: 'attrition', months: 12 },
      ],
    });
    const lastPosition = Math.max(...people.flatMap((person) => person.facts.map((fact) => fact.position)));
    const before = JSON.stringify(computeCohort(factsOf(people), definition, { ...NOW, lastPosition }));
    for (const person of people.slice(0, 5)) {
      employed(person, 'private_business', '2025-02-10');
      person.add('CaseClosed', { reason: 'goals_met' }, '2024-05-01');
      person.add('EnteredInError', { targetEventId: person.facts[1].eventId }, '2025-03-01');
    }
    const newcomer = givenEntrant('2024-06-01');
    expect(JSON.stringify(computeCohort(factsOf([...people, newcomer]), definition, { ...NOW, lastPosition }))).toBe(before);
    expect(JSON.stringify(computeCohort(factsOf([...people, newcomer]), definition, NOW))).not.toBe(before);
  });

  test('the source study’s table: 332 persons assisted in 2002, twelve months later; earlier and later statuses do not count', () => {
    const statuses = [
      ['private_business', 93],
      ['state_owned_business', 37],
      ['student', 30],
      ['still_receiving_assistance', 50],
      ['unemployed', 60],
      ['self_employed', 20],
      ['in_training', 12],
      ['other', 30],
    ].flatMap(([status, n]) => Array<string>(n as number).fill(status as string));
    const people = statuses.map((status, index) => {
      const entry = `2002-${String((index % 12) + 1).padStart(2, '0')}-15`;
      const person = givenPerson();
      person.add('PersonRegistered', FEMALE_MD_1990, '2001-11-20');
      employed(person, 'unemployed', '2001-12');
      person.add('CaseOpened', { programme: 'reintegration' }, entry);
      employed(person, status, addMonths(entry, 11));
      employed(person, 'private_business', addMonths(entry, 24));
      return person;
    });
    // Someone assisted in 2001 is not of this cohort.
    const earlier = givenEntrant('2001-12-31');
    employed(earlier, 'private_business', '2002-12-01');
    const definition: CohortDefinition = definitionOf({
      entry: { type: 'CaseOpened', where: { programme: 'reintegration' }, from: '2002-01-01', to: '2002-12-31' },
      measures: [{ kind: 'statusAtOffsets', offsetsMonths: [12] }],
    });
    const report = computeCohort(factsOf([...people, earlier]), definition, NOW);
    expect(report.cohortSize).toBe(332);
    expect(report.measures[0].rows).toEqual([
      { category: 'in_training', n: 12, percent: 3.6 },
      { category: 'other', n: 30, percent: 9 },
      { category: 'private_business', n: 93, percent: 28 },
      { category: 'self_employed', n: 20, percent: 6 },
      { category: 'state_owned_business', n: 37, percent: 11.1 },
      { category: 'still_receiving_assistance', n: 50, percent: 15.1 },
      { category: 'student', n: 30, percent: 9 },
      { category: 'unemployed', n: 60, percent: 18.1 },
    ]);
  });
});
