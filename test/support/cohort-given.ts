import { randomUUID } from 'node:crypto';
import type { CohortDefinition } from '../../projections/cohort/definition';
import type { CohortFact } from '../../projections/cohort/fact';
import { cohortMembers, type CohortMember } from '../../projections/cohort/members';

/** Builds cohort_facts rows for specs: positions rise across every person, in the order facts are added. */

let lastPosition = 0;

/** When the system learned a fact by default: a moment per position, after every date the specs use. */
const recordedAtOf = (position: number) => new Date(Date.UTC(2030, 0, 1) + position * 1000).toISOString();

export interface GivenPerson {
  personId: string;
  facts: CohortFact[];
  add(type: string, data: Record<string, unknown>, occurredAt: string, recorded?: { recordedAt?: string; organisationId?: string }): CohortFact;
}

export function givenPerson(organisationId = 'org-a'): GivenPerson {
  const personId = randomUUID();
  const facts: CohortFact[] = [];
  return {
    personId,
    facts,
    add(type, data, occurredAt, recorded = {}) {
      lastPosition += 1;
      const fact: CohortFact = {
        personId,
        eventId: randomUUID(),
        type,
        occurredAt,
        recordedAt: recorded.recordedAt ?? recordedAtOf(lastPosition),
        position: lastPosition,
        organisationId: recorded.organisationId ?? organisationId,
        data,
      };
      facts.push(fact);
      return fact;
    },
  };
}

export const FEMALE_MD_1990 = { gender: 'female', birthYear: 1990, citizenship: 'MD' };

/** A person registered on `entry` who enters the reintegration programme that day. */
export function givenEntrant(entry: string, registration: Record<string, unknown> = FEMALE_MD_1990, organisationId = 'org-a'): GivenPerson {
  const person = givenPerson(organisationId);
  person.add('PersonRegistered', registration, entry);
  person.add('CaseOpened', { programme: 'reintegration' }, entry);
  return person;
}

/** `count` entrants on `entry`, each then given more facts by `then`. */
export function givenEntrants(
  count: number,
  entry: string,
  then: (person: GivenPerson, index: number) => void = () => {},
  registration: Record<string, unknown> = FEMALE_MD_1990,
): GivenPerson[] {
  return Array.from({ length: count }, (_, index) => {
    const person = givenEntrant(entry, registration);
    then(person, index);
    return person;
  });
}

/** Every person's rows as the loader hands them over: by person, then position. */
export function factsOf(persons: readonly GivenPerson[]): CohortFact[] {
  return [...persons].sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0)).flatMap((person) => person.facts);
}

/** Those entering the reintegration programme in 2024, every fact counted, k = 11, no measures. */
export function definitionOf(overrides: Partial<CohortDefinition> = {}): CohortDefinition {
  return {
    entry: { type: 'CaseOpened', where: { programme: 'reintegration' }, from: '2024-01-01', to: '2024-12-31' },
    filters: {},
    measures: [],
    asKnownAt: null,
    treeSize: Number.MAX_SAFE_INTEGER,
    k: 11,
    ...overrides,
  };
}

export const EVERY_POSITION = { lastPosition: Number.MAX_SAFE_INTEGER, organisationId: null };

/** The members among these persons, every fact counted unless the scope says otherwise. */
export function membersOf(
  persons: readonly GivenPerson[],
  definition = definitionOf(),
  scope: { lastPosition: number; organisationId: string | null } = EVERY_POSITION,
): CohortMember[] {
  return cohortMembers(factsOf(persons), definition, scope);
}

/** One member, for the measures' specs. */
export function memberOf(person: GivenPerson): CohortMember {
  const [member] = membersOf([person]);
  if (!member) throw new Error('not a member of the cohort');
  return member;
}
