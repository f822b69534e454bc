/**
 * The closed code lists of the journey (DOMAIN.md; CTDC / HTCDS codes where they exist). They live in the domain so
 * that the event types and the validation in event-data/ are built from one list.
 */

export const GENDERS = ['female', 'male', 'other', 'unknown'] as const;
export type Gender = (typeof GENDERS)[number];

export const CONSENT_SCOPES = ['assistance', 'data_processing', 'sharing', 'follow_up', 'research'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/** Lawful bases for sharing a case without the person's consent (as Primero asks before a referral). */
export const SHARING_OVERRIDE_BASES = ['child_best_interest', 'legal_obligation', 'vital_interest'] as const;
export type SharingOverrideBasis = (typeof SHARING_OVERRIDE_BASES)[number];

/** Grounds for erasing personal data (GDPR Art. 17(1)); codes, so that no free text about the person is stored. */
export const ERASURE_BASES = ['person_request', 'consent_withdrawn', 'no_longer_necessary', 'unlawful_processing', 'legal_obligation'] as const;
export type ErasureBasis = (typeof ERASURE_BASES)[number];

/** The outcome domains, used wherever an event names a `domain`. */
export const DOMAINS = [
  'accommodation',
  'legal_status',
  'employment_economic',
  'education_training',
  'safety_security',
  'social_wellbeing',
  'family_relationships',
  'physical_health',
  'mental_health',
  'access_to_justice',
] as const;
export type Domain = (typeof DOMAINS)[number];

export const PROGRAMMES = ['recovery', 'return', 'reintegration'] as const;
export type Programme = (typeof PROGRAMMES)[number];

export const CASE_CLOSURE_REASONS = ['goals_met', 'person_chose_to_stop', 'moved_away', 'lost_contact', 'died', 'funding_ended', 'referred'] as const;
export type CaseClosureReason = (typeof CASE_CLOSURE_REASONS)[number];

export const EMPLOYMENT_STATUSES = [
  'private_business',
  'state_owned_business',
  'self_employed',
  'student',
  'unemployed',
  'in_training',
  'still_receiving_assistance',
  'other',
] as const;
export type EmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];

export const IDENTIFICATION_CHANNELS = ['self_referral', 'outreach', 'hotline', 'inspection', 'law_enforcement_operation', 'referral', 'other'] as const;
export type IdentificationChannel = (typeof IDENTIFICATION_CHANNELS)[number];

export const ORGANISATION_TYPES = [
  'police',
  'ngo',
  'labour_inspectorate',
  'immigration_authority',
  'social_services',
  'health_services',
  'international_organisation',
  'other',
] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

/** CTDC type of exploitation. */
export const EXPLOITATION_TYPES = [
  'sexual_exploitation',
  'forced_labour',
  'domestic_servitude',
  'forced_marriage',
  'forced_criminality',
  'forced_begging',
  'organ_removal',
  'child_soldiering',
  'other',
] as const;
export type ExploitationType = (typeof EXPLOITATION_TYPES)[number];

/** CTDC means of control. */
export const MEANS_OF_CONTROL = [
  'debt_bondage',
  'withheld_documents',
  'withheld_earnings',
  'threats',
  'physical_abuse',
  'sexual_abuse',
  'psychological_abuse',
  'restricted_movement',
  'false_promises',
  'psychoactive_substances',
  'other',
] as const;
export type MeansOfControl = (typeof MEANS_OF_CONTROL)[number];

export const RECRUITER_RELATIONS = ['intimate_partner', 'family', 'friend_or_acquaintance', 'stranger', 'other', 'unknown'] as const;
export type RecruiterRelation = (typeof RECRUITER_RELATIONS)[number];

export const GROUNDS_STAGES = ['reasonable', 'conclusive'] as const;
export const GROUNDS_OUTCOMES = ['positive', 'negative'] as const;

export const RESIDENCE_PERMIT_GROUNDS = ['personal_situation', 'cooperation_with_authorities'] as const;
export const RESIDENCE_PERMIT_OUTCOMES = ['granted', 'refused'] as const;

export const REFERRAL_OUTCOMES = ['accepted', 'declined', 'completed'] as const;

export const ASSESSMENT_TYPES = ['needs', 'risk', 'vulnerability', 'skills', 'family'] as const;

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;

export const CONTACT_MODES = ['in_person', 'phone', 'message', 'other'] as const;
export const CONTACT_RESULTS = ['reached', 'no_answer', 'refused'] as const;

export const COMPENSATION_OUTCOMES = ['awarded', 'refused'] as const;

/** `AssistanceDeclined.scope`: all assistance, or one domain of it. */
export const DECLINABLE_SCOPES = ['assistance', ...DOMAINS] as const;
