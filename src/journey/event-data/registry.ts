/**
 * Every journey fact: its HTTP route under `/persons/:personId/` (kebab-case plural, named for the fact; null where
 * the fact has no such route), its schema version, and the class that validates and documents its data.
 */
import { JourneyEventType, SCHEMA_VERSIONS } from '../domain/events';
import {
  AssessmentCompletedData,
  AssistanceDeclinedData,
  CaseClosedData,
  CaseOpenedData,
  CaseReopenedData,
  CaseTransferredData,
  ReferralMadeData,
  ReferralResolvedData,
  ReintegrationPlanAgreedData,
  ServiceDeliveredData,
} from './case-management';
import { EnteredInErrorData, EventCorrectedData } from './corrections';
import {
  CompensationDecidedData,
  ContactLostData,
  ContactReestablishedData,
  EmploymentStatusRecordedData,
  FollowUpContactAttemptedData,
  LegalProceedingMilestoneData,
  OutcomeAssessedData,
  ReTraffickingReportedData,
  RSSAdministeredData,
} from './follow-up';
import {
  ConsentGrantedData,
  ConsentWithdrawnData,
  PersonalDataErasedData,
  PersonalDataRecordedData,
  PersonRegisteredData,
  SharingOverrideRecordedData,
} from './identity';
import {
  GroundsDecidedData,
  ReferredToNRMData,
  ReflectionPeriodEndedData,
  ReflectionPeriodGrantedData,
  ResidencePermitDecidedData,
  TraffickingExperienceRecordedData,
  VictimIdentifiedData,
} from './protection';
import { ReturnCompletedData, ReturnDecidedData, ReturnRiskAssessedData } from './return';

export interface EventDataSpec {
  /** Path segment under `/persons/:personId/`; null for PersonRegistered (`POST /persons`) and personal data. */
  route: string | null;
  schemaVersion: number;
  /** Validates (class-validator) and documents (OpenAPI) the event's data. */
  data: new () => object;
  /** One line for the API documentation. */
  summary: string;
}

const fact = (type: JourneyEventType, route: string | null, data: new () => object, summary: string) => ({
  route,
  schemaVersion: SCHEMA_VERSIONS[type],
  data,
  summary,
});

export const EVENT_DATA: { readonly [T in JourneyEventType]: EventDataSpec } = {
  PersonRegistered: fact('PersonRegistered', null, PersonRegisteredData, 'Register a person (pseudonymous)'),
  PersonalDataRecorded: fact('PersonalDataRecorded', null, PersonalDataRecordedData, 'Record encrypted personal data'),
  PersonalDataErased: fact('PersonalDataErased', null, PersonalDataErasedData, "Erase the person's personal data"),
  ConsentGranted: fact('ConsentGranted', 'consents', ConsentGrantedData, 'Record a consent given'),
  ConsentWithdrawn: fact('ConsentWithdrawn', 'consent-withdrawals', ConsentWithdrawnData, 'Record a consent withdrawn'),
  SharingOverrideRecorded: fact(
    'SharingOverrideRecorded',
    'sharing-overrides',
    SharingOverrideRecordedData,
    'Record a lawful basis for sharing the case with an organisation without consent',
  ),
  VictimIdentified: fact('VictimIdentified', 'identifications', VictimIdentifiedData, 'Record identification as a (presumed) victim'),
  TraffickingExperienceRecorded: fact(
    'TraffickingExperienceRecorded',
    'trafficking-experiences',
    TraffickingExperienceRecordedData,
    'Record the trafficking experience (CTDC codes)',
  ),
  ReferredToNRM: fact('ReferredToNRM', 'nrm-referrals', ReferredToNRMData, 'Record a referral to the National Referral Mechanism'),
  GroundsDecided: fact('GroundsDecided', 'grounds-decisions', GroundsDecidedData, 'Record a reasonable or conclusive grounds decision'),
  ReflectionPeriodGranted: fact(
    'ReflectionPeriodGranted',
    'reflection-periods',
    ReflectionPeriodGrantedData,
    'Record a recovery and reflection period granted (at least 30 days)',
  ),
  ReflectionPeriodEnded: fact(
    'ReflectionPeriodEnded',
    'reflection-period-ends',
    ReflectionPeriodEndedData,
    'Record the end of the reflection period',
  ),
  ResidencePermitDecided: fact(
    'ResidencePermitDecided',
    'residence-permit-decisions',
    ResidencePermitDecidedData,
    'Record a residence permit decision',
  ),
  CaseOpened: fact('CaseOpened', 'cases', CaseOpenedData, 'Open a case'),
  CaseTransferred: fact('CaseTransferred', 'case-transfers', CaseTransferredData, 'Transfer the case to another organisation'),
  CaseClosed: fact('CaseClosed', 'case-closures', CaseClosedData, 'Close the open case'),
  CaseReopened: fact('CaseReopened', 'case-reopenings', CaseReopenedData, 'Reopen the closed case'),
  ReferralMade: fact('ReferralMade', 'referrals', ReferralMadeData, 'Record a referral to another organisation'),
  ReferralResolved: fact('ReferralResolved', 'referral-resolutions', ReferralResolvedData, 'Record how a referral was resolved'),
  AssessmentCompleted: fact('AssessmentCompleted', 'assessments', AssessmentCompletedData, 'Record an assessment'),
  ReintegrationPlanAgreed: fact(
    'ReintegrationPlanAgreed',
    'reintegration-plans',
    ReintegrationPlanAgreedData,
    'Record the reintegration plan agreed, goals by domain',
  ),
  ServiceDelivered: fact('ServiceDelivered', 'services', ServiceDeliveredData, 'Record a service delivered'),
  AssistanceDeclined: fact('AssistanceDeclined', 'assistance-declines', AssistanceDeclinedData, 'Record assistance declined'),
  ReturnRiskAssessed: fact('ReturnRiskAssessed', 'return-risk-assessments', ReturnRiskAssessedData, 'Record a return risk assessment'),
  ReturnDecided: fact('ReturnDecided', 'return-decisions', ReturnDecidedData, 'Record a return decision'),
  ReturnCompleted: fact('ReturnCompleted', 'returns', ReturnCompletedData, 'Record a completed return'),
  FollowUpContactAttempted: fact(
    'FollowUpContactAttempted',
    'follow-up-contacts',
    FollowUpContactAttemptedData,
    'Record a follow-up contact attempt',
  ),
  OutcomeAssessed: fact('OutcomeAssessed', 'outcome-assessments', OutcomeAssessedData, 'Record an outcome indicator'),
  EmploymentStatusRecorded: fact(
    'EmploymentStatusRecorded',
    'employment-statuses',
    EmploymentStatusRecordedData,
    'Record the employment status',
  ),
  RSSAdministered: fact('RSSAdministered', 'rss-administrations', RSSAdministeredData, 'Record an IOM Reintegration Sustainability Survey'),
  ContactLost: fact('ContactLost', 'contact-losses', ContactLostData, 'Record that contact was lost'),
  ContactReestablished: fact(
    'ContactReestablished',
    'contact-reestablishments',
    ContactReestablishedData,
    'Record that contact was re-established',
  ),
  ReTraffickingReported: fact('ReTraffickingReported', 're-trafficking-reports', ReTraffickingReportedData, 'Record a report of re-trafficking'),
  LegalProceedingMilestone: fact(
    'LegalProceedingMilestone',
    'legal-proceeding-milestones',
    LegalProceedingMilestoneData,
    'Record a legal proceedings milestone',
  ),
  CompensationDecided: fact('CompensationDecided', 'compensation-decisions', CompensationDecidedData, 'Record a compensation decision'),
  EnteredInError: fact('EnteredInError', 'entries-in-error', EnteredInErrorData, 'Mark an earlier event as entered in error'),
  EventCorrected: fact('EventCorrected', 'corrections', EventCorrectedData, 'Correct the data of an earlier event'),
};
