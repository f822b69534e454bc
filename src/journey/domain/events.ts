/**
 * The event catalogue: everything that can be recorded about a person's journey, by type name, with the shape of
 * its data. Names are in the past tense; dates are `YYYY-MM-DD`, countries ISO 3166-1 alpha-2, currencies ISO 4217.
 */
import type {
  ASSESSMENT_TYPES,
  CaseClosureReason,
  COMPENSATION_OUTCOMES,
  ConsentScope,
  CONTACT_MODES,
  CONTACT_RESULTS,
  DECLINABLE_SCOPES,
  Domain,
  ErasureBasis,
  EmploymentStatus,
  ExploitationType,
  Gender,
  GROUNDS_OUTCOMES,
  GROUNDS_STAGES,
  IdentificationChannel,
  MeansOfControl,
  OrganisationType,
  Programme,
  RecruiterRelation,
  REFERRAL_OUTCOMES,
  RESIDENCE_PERMIT_GROUNDS,
  RESIDENCE_PERMIT_OUTCOMES,
  RISK_LEVELS,
  SharingOverrideBasis,
} from './vocabulary';

type OneOf<T extends readonly string[]> = T[number];

/** A scalar answer: a measurement, a code or a yes/no. */
export type Answer = number | string | boolean;

/** One encrypted value; opaque to the domain. */
export interface Ciphertext {
  ciphertext: string;
  iv: string;
  tag: string;
}

/**
 * Free text that a person types (a reason, a goal): plain text as decided, sealed under the person's data key
 * (a Ciphertext) as stored from schema version 2 on. Events written before keep their plain text: history is
 * never rewritten.
 */
export type FreeText = string | Ciphertext;

/**
 * One field of a person's personal data: plain text as decided, encrypted under the person's data key as stored.
 * The log only ever holds the ciphertext.
 */
export type PersonalValue = string | Ciphertext;

export interface JourneyEventData {
  // Identity and consent
  PersonRegistered: {
    gender: Gender;
    birthYear?: number;
    /** When only an age band is known, e.g. `18-24` or `65+`. */
    ageBand?: string;
    citizenship: string;
    pseudonymCode?: string;
  };
  /** `keyId`: the data key that encrypted the fields, set when they are. */
  PersonalDataRecorded: { fields: Record<string, PersonalValue>; keyId?: string };
  PersonalDataErased: { basis: ErasureBasis };
  ConsentGranted: { scope: ConsentScope; /** With whom, for `sharing` only. */ organisationId?: string };
  ConsentWithdrawn: { scope: ConsentScope; /** With whom, for `sharing` only. */ organisationId?: string };
  /** Sharing with an organisation on a lawful basis other than consent; itself an event, so it can be audited. */
  SharingOverrideRecorded: { organisationId: string; basis: SharingOverrideBasis };

  // Identification and protection
  VictimIdentified: { channel: IdentificationChannel; identifyingOrganisationType: OrganisationType; country: string };
  TraffickingExperienceRecorded: {
    exploitationTypes: ExploitationType[];
    sectors?: string[];
    meansOfControl?: MeansOfControl[];
    recruiterRelation?: RecruiterRelation;
    countryOfExploitation: string;
  };
  ReferredToNRM: Record<string, never>;
  GroundsDecided: { stage: OneOf<typeof GROUNDS_STAGES>; outcome: OneOf<typeof GROUNDS_OUTCOMES> };
  ReflectionPeriodGranted: { from: string; to: string };
  ReflectionPeriodEnded: Record<string, never>;
  ResidencePermitDecided: {
    ground: OneOf<typeof RESIDENCE_PERMIT_GROUNDS>;
    outcome: OneOf<typeof RESIDENCE_PERMIT_OUTCOMES>;
    validUntil?: string;
  };

  // Case management
  CaseOpened: { programme: Programme };
  CaseTransferred: { toOrganisationId: string; reason?: FreeText };
  CaseClosed: { reason: CaseClosureReason };
  CaseReopened: { reason: FreeText };
  ReferralMade: { referralId: string; toOrganisationId: string; domain?: Domain; serviceType?: string };
  ReferralResolved: { referralId: string; outcome: OneOf<typeof REFERRAL_OUTCOMES> };
  AssessmentCompleted: {
    type: OneOf<typeof ASSESSMENT_TYPES>;
    instrument: string;
    instrumentVersion: string;
    result: Answer | Record<string, Answer>;
  };
  ReintegrationPlanAgreed: { goals: { domain: Domain; goal: FreeText }[] };
  ServiceDelivered: {
    domain: Domain;
    serviceType: string;
    provider?: string;
    cost?: number;
    currency?: string;
    funder?: string;
  };
  AssistanceDeclined: { scope: OneOf<typeof DECLINABLE_SCOPES>; reason?: FreeText };

  // Return
  ReturnRiskAssessed: { level: OneOf<typeof RISK_LEVELS> };
  ReturnDecided: { voluntary: boolean; destinationCountry: string };
  ReturnCompleted: { destinationCountry: string; receivingOrganisation?: string };

  // Follow-up and outcomes
  FollowUpContactAttempted: { mode: OneOf<typeof CONTACT_MODES>; result: OneOf<typeof CONTACT_RESULTS> };
  OutcomeAssessed: { domain: Domain; indicator: string; value: Answer; source?: string };
  EmploymentStatusRecorded: { status: EmploymentStatus };
  RSSAdministered: {
    round: number;
    items: Record<string, number>;
    scores: { economic: number; social: number; psychosocial: number; composite: number };
    scoringVersion: string;
  };
  ContactLost: Record<string, never>;
  ContactReestablished: Record<string, never>;
  ReTraffickingReported: Record<string, never>;
  LegalProceedingMilestone: { milestone: string };
  CompensationDecided: { outcome: OneOf<typeof COMPENSATION_OUTCOMES>; amount?: number; currency?: string };

  // Corrections: the target stays in the log; everything derived honours these.
  EnteredInError: { targetEventId: string; reason: FreeText };
  EventCorrected: {
    targetEventId: string;
    reason: FreeText;
    /** The target's data as it should have been. */
    correctedData: Record<string, unknown>;
  };
}

export type JourneyEventType = keyof JourneyEventData;

/** The current schema version of each event type's data; an upcaster is due whenever one is raised. */
export const SCHEMA_VERSIONS: { readonly [T in JourneyEventType]: number } = {
  PersonRegistered: 1,
  PersonalDataRecorded: 1,
  PersonalDataErased: 1,
  ConsentGranted: 1,
  ConsentWithdrawn: 1,
  SharingOverrideRecorded: 1,
  VictimIdentified: 1,
  TraffickingExperienceRecorded: 1,
  ReferredToNRM: 1,
  GroundsDecided: 1,
  ReflectionPeriodGranted: 1,
  ReflectionPeriodEnded: 1,
  ResidencePermitDecided: 1,
  CaseOpened: 1,
  CaseTransferred: 2, // free text sealed
  CaseClosed: 1,
  CaseReopened: 2, // free text sealed
  ReferralMade: 1,
  ReferralResolved: 1,
  AssessmentCompleted: 1,
  ReintegrationPlanAgreed: 2, // free text sealed
  ServiceDelivered: 1,
  AssistanceDeclined: 2, // free text sealed
  ReturnRiskAssessed: 1,
  ReturnDecided: 1,
  ReturnCompleted: 1,
  FollowUpContactAttempted: 1,
  OutcomeAssessed: 1,
  EmploymentStatusRecorded: 1,
  RSSAdministered: 1,
  ContactLost: 1,
  ContactReestablished: 1,
  ReTraffickingReported: 1,
  LegalProceedingMilestone: 1,
  CompensationDecided: 1,
  EnteredInError: 2, // free text sealed
  EventCorrected: 2, // free text sealed
};

export const JOURNEY_EVENT_TYPES = Object.keys(SCHEMA_VERSIONS) as readonly JourneyEventType[];

export function isJourneyEventType(type: string): type is JourneyEventType {
  return Object.prototype.hasOwnProperty.call(SCHEMA_VERSIONS, type);
}

/** An event of one type with its data, as decided (before the write path gives it an id and metadata). */
export type JourneyEvent = {
  [T in JourneyEventType]: { type: T; schemaVersion: number; occurredAt: string; data: JourneyEventData[T] };
}[JourneyEventType];

/** An event as recorded in the person's stream: with its id, and the organisation that recorded it. What evolve folds. */
export type RecordedJourneyEvent = {
  [T in JourneyEventType]: {
    eventId: string;
    type: T;
    occurredAt: string;
    data: JourneyEventData[T];
    /** The one that registers a person holds their case. */
    metadata?: { organisationId?: string };
  };
}[JourneyEventType];

/**
 * Whether a stored event is one of the catalogue's. Its data is then taken to be of its type: it was validated
 * against it when it was recorded, and the log is never rewritten.
 */
export function isRecordedJourneyEvent<E extends { eventId: string; type: string; occurredAt: string; data: object }>(
  event: E,
): event is E & RecordedJourneyEvent {
  return isJourneyEventType(event.type);
}

/** The data of one event type. */
export type DataOf<T extends JourneyEventType> = JourneyEventData[T];
