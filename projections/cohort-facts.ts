import { isJourneyEventType, JOURNEY_EVENT_TYPES, type JourneyEventData, type JourneyEventType } from '../src/journey/domain/events';
import type { EmploymentStatusRecordedV2 } from '../src/journey/domain/upcasters';
import type { CohortFact } from './cohort/fact';
import { isCorrection } from './corrections';
import { personIdOf, type ProjectedEvent, type Projection, type ReadModelChange } from './projection';

/**
 * `cohort_facts`: one row per event of a journey, as it was recorded (when, at which log position, by which
 * organisation), so that a cohort report can count only the events of a tree as known at a moment. Corrections are
 * rows of their own, never applied to their target here: a report applies those that count (projections/cohort/).
 * A row keeps only the data fields cohort studies can use, listed per type below: never personal data, never free
 * text (whoever adds a field to a fact decides here whether it is kept).
 */

/** A type's data as projections read it (upcast to the current schema). */
type CurrentData<T extends JourneyEventType> = T extends 'EmploymentStatusRecorded' ? EmploymentStatusRecordedV2 : JourneyEventData[T];

/** How a type's data is kept: these fields, a function for a nested shape, or `skip`: the event gives no row. */
type Keeping<T extends JourneyEventType> = readonly (keyof CurrentData<T> & string)[] | ((data: CurrentData<T>) => Record<string, unknown>) | 'skip';

/** Every type must be listed: a new one does not compile until someone decides what of it cohort studies keep. */
const KEPT: { readonly [T in JourneyEventType]: Keeping<T> } = {
  // The pseudonymous code is left out: it singles a person out, and no measure needs it.
  PersonRegistered: ['gender', 'birthYear', 'ageBand', 'citizenship'],
  PersonalDataRecorded: 'skip',
  PersonalDataErased: 'skip',
  // Consents and sharing decide who may read a person, not what happened to them.
  ConsentGranted: 'skip',
  ConsentWithdrawn: 'skip',
  SharingOverrideRecorded: 'skip',
  VictimIdentified: ['channel', 'identifyingOrganisationType', 'country'],
  TraffickingExperienceRecorded: ['exploitationTypes', 'sectors', 'meansOfControl', 'recruiterRelation', 'countryOfExploitation'],
  ReferredToNRM: [],
  GroundsDecided: ['stage', 'outcome'],
  ReflectionPeriodGranted: ['from', 'to'],
  ReflectionPeriodEnded: [],
  ResidencePermitDecided: ['ground', 'outcome', 'validUntil'],
  CaseOpened: ['programme'],
  CaseTransferred: ['toOrganisationId'],
  CaseClosed: ['reason'],
  CaseReopened: [],
  ReferralMade: ['referralId', 'toOrganisationId', 'domain', 'serviceType'],
  ReferralResolved: ['referralId', 'outcome'],
  AssessmentCompleted: ['type', 'instrument', 'instrumentVersion', 'result'],
  ReintegrationPlanAgreed: (data) => ({ goals: data.goals.map(({ domain }) => ({ domain })) }),
  ServiceDelivered: ['domain', 'serviceType', 'provider', 'cost', 'currency', 'funder'],
  AssistanceDeclined: ['scope'],
  ReturnRiskAssessed: ['level'],
  ReturnDecided: ['voluntary', 'destinationCountry'],
  ReturnCompleted: ['destinationCountry', 'receivingOrganisation'],
  FollowUpContactAttempted: ['mode', 'result'],
  OutcomeAssessed: ['domain', 'indicator', 'value', 'source'],
  EmploymentStatusRecorded: ['status', 'employed'],
  // The item answers stay out: the scores are what is compared, and scoringVersion says how they were made.
  RSSAdministered: ['round', 'scores', 'scoringVersion'],
  ContactLost: [],
  ContactReestablished: [],
  ReTraffickingReported: [],
  LegalProceedingMilestone: ['milestone'],
  CompensationDecided: ['outcome', 'amount', 'currency'],
  EnteredInError: ['targetEventId'],
  // Its correctedData is kept as the target's type keeps it (see correctedFactData), so it needs the target.
  EventCorrected: ['targetEventId'],
};

/** The types a person can enter a cohort on: those that give a row, corrections aside. */
export const COHORT_ENTRY_TYPES: readonly JourneyEventType[] = JOURNEY_EVENT_TYPES.filter((type) => KEPT[type] !== 'skip' && !isCorrection({ type }));

/** The kept fields of a type's (upcast) data; undefined when the type gives no row. */
function keptData(type: string, data: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!isJourneyEventType(type)) return undefined;
  const keeping = KEPT[type] as Keeping<JourneyEventType>;
  if (keeping === 'skip') return undefined;
  if (typeof keeping === 'function') return keeping(data as never);
  const kept: Record<string, unknown> = {};
  for (const key of keeping) if (data[key] !== undefined) kept[key] = data[key];
  return kept;
}

/**
 * An EventCorrected's data: its target and the target's corrected data, kept as the target's type keeps it. The
 * history (effective, through the correction) holds the target with exactly that data. A target not in it (one
 * entered in error before) leaves nothing to correct: `{}`. A target of a type that gives no row needs no correction
 * row either: undefined.
 */
function correctedFactData(targetEventId: string, history: readonly ProjectedEvent[]): Record<string, unknown> | undefined {
  const target = history.find((event) => event.eventId === targetEventId);
  if (!target) return {};
  const correctedData = keptData(target.type, target.data);
  return correctedData && { targetEventId, correctedData };
}

function factOf(event: ProjectedEvent, personId: string, data: Record<string, unknown>): CohortFact {
  return {
    personId,
    eventId: event.eventId,
    type: event.type,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    position: event.position,
    organisationId: event.metadata.organisationId,
    data,
  };
}

/** The event's own row, if its type gives one. */
function rowsOf(event: ProjectedEvent, personId: string | undefined): ReadModelChange<CohortFact> {
  const data = personId === undefined ? undefined : keptData(event.type, event.data);
  return { kind: 'upsert', rows: data === undefined ? [] : [factOf(event, personId!, data)] };
}

export const cohortFacts: Projection<CohortFact> = {
  name: 'cohort_facts',
  onePerPerson: false,
  keyOf: (fact) => fact.eventId,
  personOf: (fact) => fact.personId,
  apply: (event) => rowsOf(event, personIdOf(event.streamId)),
  /**
   * A correction adds its own row, and the rows already written stay as they were recorded. An EnteredInError's
   * row names its target, as `apply` would make it (its target is no longer in the history).
   */
  recompute(personId, history, through) {
    if (through.type !== 'EventCorrected') return rowsOf(through, personId);
    const data = correctedFactData((through.data as JourneyEventData['EventCorrected']).targetEventId, history);
    return { kind: 'upsert', rows: data === undefined ? [] : [factOf(through, personId, data)] };
  },
};
