import { effectiveHistory, isCorrection } from '../corrections';
import { ageBandAtEntry } from './age-band';
import { dayOf, type Day } from './calendar';
import type { CohortDefinition, CohortEntry, CohortFilters, Grouping } from './definition';
import type { CohortFact } from './fact';

/** Which part of the record a report is computed over, and for whom. */
export interface CohortScope {
  /** The store position of the tree's last leaf: later events do not count. */
  lastPosition: number;
  /** Only persons this organisation held at entry; null: every person. */
  organisationId: string | null;
  /** ISO 8601 instant the observation ends (follow-up after it is censored). */
  observationEnd: string;
}

export interface CohortMember {
  personId: string;
  /** The day of the entry event. */
  entry: Day;
  /** The person's counted facts, corrections applied, by day (see dayOf) and, on one day, by position. */
  timeline: readonly CohortFact[];
  /** The person's value for each grouping a measure can be broken down by. */
  attributes: Record<Grouping, string>;
}

/**
 * The cohort: the persons whose counted history has an entry event, who were registered (and, when the scope
 * names an organisation, held by it at entry), and whom the filters keep. `facts` come sorted by person, then
 * position, and may hold rows that do not count (a later position, recorded after `asKnownAt`).
 */
export function cohortMembers(
  facts: readonly CohortFact[],
  definition: CohortDefinition,
  scope: Pick<CohortScope, 'lastPosition' | 'organisationId'>,
): CohortMember[] {
  const counts = countedBy(scope.lastPosition, definition.asKnownAt);
  const isEntry = entryMatcher(definition.entry);
  const members: CohortMember[] = [];
  let index = 0;
  while (index < facts.length) {
    const personId = facts[index].personId;
    const counted: CohortFact[] = [];
    let corrected = false;
    for (; index < facts.length && facts[index].personId === personId; index += 1) {
      const fact = facts[index];
      if (!counts(fact)) continue;
      counted.push(fact);
      if (isCorrection(fact)) corrected = true;
    }
    // Corrections apply only when they count themselves, so the rows are counted first. Without any, the counted
    // rows are the effective history already (most persons: a report reads many).
    const history = corrected ? effectiveHistory(counted) : counted;
    const member = memberOf(personId, history, isEntry, definition.filters, scope.organisationId);
    if (member) members.push(member);
  }
  return members;
}

/** Whether a row counts: in the tree and, with asKnownAt, recorded by then. */
function countedBy(lastPosition: number, asKnownAt: string | null): (fact: CohortFact) => boolean {
  if (asKnownAt === null) return (fact) => fact.position <= lastPosition;
  // Instants compare as times, not as text (`…59Z` sorts after `…59.500Z`), but two written as toISOString writes
  // them (`YYYY-MM-DDTHH:mm:ss.sssZ`) compare as text, which spares parsing most rows.
  const knownBy = Date.parse(asKnownAt);
  const knownByText = new Date(knownBy).toISOString();
  return (fact) =>
    fact.position <= lastPosition && (isCanonicalInstant(fact.recordedAt) ? fact.recordedAt <= knownByText : Date.parse(fact.recordedAt) <= knownBy);
}

const isCanonicalInstant = (instant: string) => instant.length === 24 && instant[10] === 'T' && instant[19] === '.' && instant[23] === 'Z';

function entryMatcher(entry: CohortEntry): (fact: CohortFact) => boolean {
  const from = dayOf(entry.from);
  const to = dayOf(entry.to);
  const where = Object.entries(entry.where);
  return (fact) => {
    if (fact.type !== entry.type) return false;
    const day = dayOf(fact.occurredAt);
    return day >= from && day <= to && where.every(([key, value]) => fact.data[key] === value);
  };
}

/** The entry event: the matching one that occurred first; on one day, the first in the log. */
function entryEventOf(history: readonly CohortFact[], isEntry: (fact: CohortFact) => boolean): CohortFact | undefined {
  let entry: CohortFact | undefined;
  for (const fact of history) {
    if (isEntry(fact) && (entry === undefined || dayOf(fact.occurredAt) < dayOf(entry.occurredAt))) entry = fact;
  }
  return entry;
}

/**
 * The organisation holding the case at entry: the one that registered the person (the registration may be the
 * entry itself), moved by each transfer before the entry that its holder recorded (a transfer recorded by any other
 * organisation moves nothing, as the rules of the journey have it).
 */
function holderAt(history: readonly CohortFact[], entry: CohortFact): string | undefined {
  let holder: string | undefined;
  for (const fact of history) {
    if (fact.position > entry.position) break;
    if (fact.type === 'PersonRegistered') holder = fact.organisationId;
    else if (fact.type === 'CaseTransferred' && fact !== entry && fact.organisationId === holder) holder = String(fact.data.toOrganisationId);
  }
  return holder;
}

const codeOf = (value: unknown): string => (typeof value === 'string' ? value : 'unknown');

const keeps = (allowed: readonly string[] | undefined, value: string): boolean => allowed === undefined || allowed.length === 0 || allowed.includes(value);

function memberOf(
  personId: string,
  history: readonly CohortFact[],
  isEntry: (fact: CohortFact) => boolean,
  filters: CohortFilters,
  organisationId: string | null,
): CohortMember | undefined {
  const entryEvent = entryEventOf(history, isEntry);
  const registration = history.find((fact) => fact.type === 'PersonRegistered');
  if (entryEvent === undefined || registration === undefined) return undefined;
  if (organisationId !== null && holderAt(history, entryEvent) !== organisationId) return undefined;
  const entry = dayOf(entryEvent.occurredAt);
  const gender = codeOf(registration.data.gender);
  const citizenship = codeOf(registration.data.citizenship);
  const ageBand = ageBandAtEntry(registration.data.birthYear, entry);
  if (!keeps(filters.gender, gender) || !keeps(filters.citizenship, citizenship) || !keeps(filters.ageBand, ageBand)) {
    return undefined;
  }
  const timeline = timelineOf(history);
  return {
    personId,
    entry,
    timeline,
    attributes: { gender, ageBand, citizenship, exploitationType: exploitationTypeOf(timeline), returned: returnedBy(timeline, entry) },
  };
}

/** The history by day; the sort is stable, so events of one day keep their log order. */
function timelineOf(history: readonly CohortFact[]): CohortFact[] {
  return [...history].sort(byDay);
}

/** Orders facts by the day they stand for (a month-precision date is the first of its month). */
function byDay(a: CohortFact, b: CohortFact): number {
  const dayA = dayOf(a.occurredAt);
  const dayB = dayOf(b.occurredAt);
  return dayA < dayB ? -1 : dayA > dayB ? 1 : 0;
}

/** From the latest trafficking experience recorded: its one exploitation type, `multiple`, or `unknown`. */
function exploitationTypeOf(timeline: readonly CohortFact[]): string {
  let latest: CohortFact | undefined;
  for (const fact of timeline) if (fact.type === 'TraffickingExperienceRecorded') latest = fact;
  const types = new Set(Array.isArray(latest?.data.exploitationTypes) ? latest.data.exploitationTypes : []);
  if (types.size === 0) return 'unknown';
  return types.size === 1 ? codeOf([...types][0]) : 'multiple';
}

/** `yes` when a return was completed on or before the entry day. */
function returnedBy(timeline: readonly CohortFact[], entry: Day): string {
  return timeline.some((fact) => fact.type === 'ReturnCompleted' && dayOf(fact.occurredAt) <= entry) ? 'yes' : 'no';
}
