import { definitionOf, EVERY_POSITION, factsOf, FEMALE_MD_1990, givenEntrant, givenPerson, memberOf, membersOf } from '../../test/support/cohort-given';
import { cohortMembers } from './members';

const entryOf = (...args: Parameters<typeof membersOf>) => membersOf(...args).map((member) => member.entry);

describe('cohort members', () => {
  describe('which facts count', () => {
    test('only facts at positions up to the last position of the tree', () => {
      const person = givenPerson();
      person.add('PersonRegistered', FEMALE_MD_1990, '2024-01-10');
      const opened = person.add('CaseOpened', { programme: 'reintegration' }, '2024-02-01');
      expect(membersOf([person], definitionOf(), { lastPosition: opened.position, organisationId: null })).toHaveLength(1);
      expect(membersOf([person], definitionOf(), { lastPosition: opened.position - 1, organisationId: null })).toEqual([]);
    });

    test('with asKnownAt, only facts recorded by then, compared as instants and not as text', () => {
      const person = givenPerson();
      person.add('PersonRegistered', FEMALE_MD_1990, '2024-01-10', { recordedAt: '2024-01-10T09:00:00.000Z' });
      person.add('CaseOpened', { programme: 'reintegration' }, '2024-02-01', { recordedAt: '2025-12-31T23:59:59.500Z' });
      // As text, `…59.500Z` sorts before `…59Z`; as a time it is half a second later.
      expect(membersOf([person], definitionOf({ asKnownAt: '2025-12-31T23:59:59Z' }))).toEqual([]);
      expect(membersOf([person], definitionOf({ asKnownAt: '2025-12-31T23:59:59.500Z' }))).toHaveLength(1);
      expect(membersOf([person], definitionOf({ asKnownAt: null }))).toHaveLength(1);
      const offset = givenPerson();
      offset.add('PersonRegistered', FEMALE_MD_1990, '2024-01-10', { recordedAt: '2024-01-10T09:00:00.000Z' });
      offset.add('CaseOpened', { programme: 'reintegration' }, '2024-02-01', { recordedAt: '2026-01-01T00:30:00+01:00' });
      expect(membersOf([offset], definitionOf({ asKnownAt: '2025-12-31T23:59:59Z' }))).toHaveLength(1);
      expect(membersOf([offset], definitionOf({ asKnownAt: '2025-12-31T23:29:59.999Z' }))).toEqual([]);
    });

    test('an entry event entered in error is gone, but only once the correction counts', () => {
      const person = givenPerson();
      person.add('PersonRegistered', FEMALE_MD_1990, '2024-03-01', { recordedAt: '2024-03-01T10:00:00.000Z' });
      const opened = person.add('CaseOpened', { programme: 'reintegration' }, '2024-03-01', { recordedAt: '2024-03-01T10:00:00.000Z' });
      const voiding = person.add('EnteredInError', { targetEventId: opened.eventId }, '2024-04-01', { recordedAt: '2025-06-01T00:00:00.000Z' });
      expect(membersOf([person])).toEqual([]);
      expect(membersOf([person], definitionOf(), { lastPosition: voiding.position - 1, organisationId: null })).toHaveLength(1);
      expect(membersOf([person], definitionOf({ asKnownAt: '2025-05-31T23:59:59Z' }))).toHaveLength(1);
    });

    test('a corrected entry event counts with its corrected data, once the correction counts', () => {
      const person = givenPerson();
      person.add('PersonRegistered', FEMALE_MD_1990, '2024-01-10');
      const opened = person.add('CaseOpened', { programme: 'recovery' }, '2024-02-01');
      const correction = person.add('EventCorrected', { targetEventId: opened.eventId, correctedData: { programme: 'reintegration' } }, '2024-02-05');
      expect(entryOf([person])).toEqual(['2024-02-01']);
      expect(membersOf([person], definitionOf(), { lastPosition: correction.position - 1, organisationId: null })).toEqual([]);
    });

    test('rows come sorted by person then position; each person is read on their own', () => {
      const people = [givenEntrant('2024-03-01'), givenPerson(), givenEntrant('2024-05-01')];
      people[1].add('CaseOpened', { programme: 'reintegration' }, '2024-04-01');
      const members = cohortMembers(factsOf(people), definitionOf(), EVERY_POSITION);
      expect(members.map((member) => member.personId).sort()).toEqual([people[0].personId, people[2].personId].sort());
    });
  });

  describe('the entry', () => {
    test('the matching event that occurred first, even when it was recorded later; its day is the entry', () => {
      const person = givenPerson();
      person.add('PersonRegistered', FEMALE_MD_1990, '2024-01-10');
      person.add('CaseOpened', { programme: 'reintegration' }, '2024-06-01');
      person.add('CaseOpened', { programme: 'reintegration' }, '2024-03-20');
      person.add('CaseOpened', { programme: 'recovery' }, '2024-02-01');
      expect(entryOf([person])).toEqual(['2024-03-20']);
    });

    test('every `where` key must match', () => {
      const person = givenPerson();
      person.add('PersonRegistered', FEMALE_MD_1990, '2024-01-10');
      person.add('CaseOpened', { programme: 'recovery' }, '2024-02-01');
      expect(membersOf([person])).toEqual([]);
      const withTwoKeys = definitionOf({
        entry: { type: 'ReturnCompleted', where: { destinationCountry: 'MD', receivingOrganisation: 'x' }, from: '2024-01', to: '2024-12' },
      });
      const returned = givenPerson();
      returned.add('PersonRegistered', FEMALE_MD_1990, '2024-01-10');
      returned.add('ReturnCompleted', { destinationCountry: 'MD' }, '2024-02-01');
      expect(membersOf([returned], withTwoKeys)).toEqual([]);
      returned.add('ReturnCompleted', { destinationCountry: 'MD', receivingOrganisation: 'x' }, '2024-03-01');
      expect(entryOf([returned], withTwoKeys)).toEqual(['2024-03-01']);
    });

    test('month-precision dates count as the first of their month, within [from, to] inclusive', () => {
      const define = (from: string, to: string) => definitionOf({ entry: { type: 'CaseOpened', where: {}, from, to } });
      expect(entryOf([givenEntrant('2024-01')], define('2024-01-01', '2024-12-31'))).toEqual(['2024-01-01']);
      expect(entryOf([givenEntrant('2023-12-31')], define('2024-01-01', '2024-12-31'))).toEqual([]);
      expect(entryOf([givenEntrant('2024-12-31')], define('2024-01-01', '2024-12-31'))).toEqual(['2024-12-31']);
      // `to: 2024-12` is 1 December 2024.
      expect(entryOf([givenEntrant('2024-12-01')], define('2024-01', '2024-12'))).toEqual(['2024-12-01']);
      expect(entryOf([givenEntrant('2024-12-02')], define('2024-01', '2024-12'))).toEqual([]);
      expect(entryOf([givenEntrant('2024-12')], define('2024-01', '2024-12'))).toEqual(['2024-12-01']);
    });

    test('no registration, no member', () => {
      const person = givenPerson();
      person.add('CaseOpened', { programme: 'reintegration' }, '2024-02-01');
      expect(membersOf([person])).toEqual([]);
    });
  });

  describe('the organisation holding the case at entry', () => {
    const inScopeOf = (organisationId: string, ...people: Parameters<typeof membersOf>[0]) =>
      membersOf(people, definitionOf(), { lastPosition: Number.MAX_SAFE_INTEGER, organisationId }).length;

    test('the registering organisation, moved by transfers that the holder recorded before the entry', () => {
      const person = givenPerson('org-a');
      person.add('PersonRegistered', FEMALE_MD_1990, '2024-01-10');
      person.add('CaseTransferred', { toOrganisationId: 'org-b' }, '2024-01-20');
      person.add('CaseOpened', { programme: 'reintegration' }, '2024-02-01', { organisationId: 'org-b' });
      person.add('CaseTransferred', { toOrganisationId: 'org-c' }, '2024-03-01', { organisationId: 'org-b' });
      expect([inScopeOf('org-a', person), inScopeOf('org-b', person), inScopeOf('org-c', person)]).toEqual([0, 1, 0]);
      expect(membersOf([person])).toHaveLength(1);
    });

    test('when the registration is the entry, the registering organisation holds the case at entry', () => {
      const person = givenPerson('org-a');
      person.add('PersonRegistered', FEMALE_MD_1990, '2024-01-10');
      const registrations = definitionOf({ entry: { type: 'PersonRegistered', where: {}, from: '2024-01', to: '2024-12' } });
      expect(membersOf([person], registrations, { lastPosition: Number.MAX_SAFE_INTEGER, organisationId: 'org-a' })).toHaveLength(1);
    });

    test('a transfer recorded by an organisation not holding the case moves nothing', () => {
      const person = givenPerson('org-a');
      person.add('PersonRegistered', FEMALE_MD_1990, '2024-01-10');
      person.add('CaseTransferred', { toOrganisationId: 'org-c' }, '2024-01-20', { organisationId: 'org-c' });
      person.add('CaseOpened', { programme: 'reintegration' }, '2024-02-01');
      expect([inScopeOf('org-a', person), inScopeOf('org-c', person)]).toEqual([1, 0]);
    });

    test('a transfer entered in error moves nothing', () => {
      const person = givenPerson('org-a');
      person.add('PersonRegistered', FEMALE_MD_1990, '2024-01-10');
      const transfer = person.add('CaseTransferred', { toOrganisationId: 'org-b' }, '2024-01-20');
      person.add('EnteredInError', { targetEventId: transfer.eventId }, '2024-01-21');
      person.add('CaseOpened', { programme: 'reintegration' }, '2024-02-01');
      expect([inScopeOf('org-a', person), inScopeOf('org-b', person)]).toEqual([1, 0]);
    });

    test('of two entry events on one day, the first in the log is the entry: a transfer between them is after it', () => {
      const person = givenPerson('org-a');
      person.add('PersonRegistered', FEMALE_MD_1990, '2024-01-10');
      person.add('CaseOpened', { programme: 'reintegration' }, '2024-02-01');
      person.add('CaseTransferred', { toOrganisationId: 'org-b' }, '2024-02-01');
      person.add('CaseOpened', { programme: 'reintegration' }, '2024-02-01', { organisationId: 'org-b' });
      expect([inScopeOf('org-a', person), inScopeOf('org-b', person)]).toEqual([1, 0]);
    });
  });

  describe('filters on the registration', () => {
    const people = () => [
      givenEntrant('2024-03-01', { gender: 'female', birthYear: 2005, citizenship: 'MD' }),
      givenEntrant('2024-03-01', { gender: 'male', birthYear: 2002, citizenship: 'UA' }),
      givenEntrant('2024-03-01', { gender: 'female', birthYear: 1980, citizenship: 'RO' }),
      givenEntrant('2024-03-01', { gender: 'female', ageBand: '18-24', citizenship: 'UA' }),
    ];
    const kept = (filters: object) =>
      membersOf(people(), definitionOf({ filters }))
        .map((member) => Object.values(member.attributes).slice(0, 3).join(' '))
        .sort();

    test('gender, citizenship and the age band at entry; an empty or absent list keeps everyone', () => {
      expect(kept({})).toEqual(['female 18-20 MD', 'female 39-47 RO', 'female unknown UA', 'male 21-23 UA']);
      expect(kept({ gender: [], citizenship: [], ageBand: [] })).toHaveLength(4);
      expect(kept({ gender: ['female'] })).toEqual(['female 18-20 MD', 'female 39-47 RO', 'female unknown UA']);
      expect(kept({ gender: ['female'], citizenship: ['MD', 'UA'] })).toEqual(['female 18-20 MD', 'female unknown UA']);
      // An age band known only as free text is no CTDC band: no age-band filter keeps it.
      expect(kept({ citizenship: ['MD', 'UA'], ageBand: ['18-20', '21-23'] })).toEqual(['female 18-20 MD', 'male 21-23 UA']);
    });
  });

  describe('group attributes', () => {
    test('the exploitation type of the latest trafficking experience by date: one, several, or none', () => {
      const single = givenEntrant('2024-03-01');
      single.add('TraffickingExperienceRecorded', { exploitationTypes: ['forced_labour', 'sexual_exploitation'], countryOfExploitation: 'DE' }, '2024-02-01');
      single.add('TraffickingExperienceRecorded', { exploitationTypes: ['forced_labour'], countryOfExploitation: 'DE' }, '2024-03-05');
      single.add('TraffickingExperienceRecorded', { exploitationTypes: ['domestic_servitude'], countryOfExploitation: 'DE' }, '2023-01');
      const several = givenEntrant('2024-03-01');
      several.add('TraffickingExperienceRecorded', { exploitationTypes: ['forced_labour', 'sexual_exploitation'], countryOfExploitation: 'DE' }, '2024-02-01');
      const none = givenEntrant('2024-03-01');
      const empty = givenEntrant('2024-03-01');
      empty.add('TraffickingExperienceRecorded', { exploitationTypes: [], countryOfExploitation: 'DE' }, '2024-02-01');
      expect([single, several, none, empty].map((person) => memberOf(person).attributes.exploitationType)).toEqual([
        'forced_labour',
        'multiple',
        'unknown',
        'unknown',
      ]);
    });

    test('returned: a completed return on or before the entry day', () => {
      const onTheDay = givenEntrant('2024-03-01');
      onTheDay.add('ReturnCompleted', { destinationCountry: 'MD' }, '2024-03-01');
      const monthBefore = givenEntrant('2024-03-15');
      monthBefore.add('ReturnCompleted', { destinationCountry: 'MD' }, '2024-03');
      const after = givenEntrant('2024-03-01');
      after.add('ReturnCompleted', { destinationCountry: 'MD' }, '2024-03-02');
      expect([onTheDay, monthBefore, after, givenEntrant('2024-03-01')].map((person) => memberOf(person).attributes.returned)).toEqual([
        'yes',
        'yes',
        'no',
        'no',
      ]);
    });

    test('the timeline runs by day, and by log order within a day', () => {
      const person = givenEntrant('2024-03-01');
      const late = person.add('ContactLost', {}, '2024-05-10');
      const sameDayFirst = person.add('EmploymentStatusRecorded', { status: 'student', employed: false }, '2024-04-02');
      const firstOfMonth = person.add('ServiceDelivered', { domain: 'accommodation', serviceType: 'shelter' }, '2024-04-01');
      const monthOnly = person.add('ContactReestablished', {}, '2024-04');
      const sameDaySecond = person.add('ContactLost', {}, '2024-04-02');
      // `2024-04` is 1 April, logged after the other event of that day.
      expect(
        memberOf(person)
          .timeline.slice(2)
          .map((fact) => fact.eventId),
      ).toEqual([firstOfMonth.eventId, monthOnly.eventId, sameDayFirst.eventId, sameDaySecond.eventId, late.eventId]);
    });
  });
});
