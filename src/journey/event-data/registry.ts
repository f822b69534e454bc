/**
 * Every event type's data class: it validates the data (class-validator), for the API and the import alike, and
 * documents it (OpenAPI).
 */
import type { JourneyEventType } from '../domain/events';
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

export type DataClass = new () => object;

export const EVENT_DATA: { readonly [T in JourneyEventType]: DataClass } = {
  PersonRegistered: PersonRegisteredData,
  PersonalDataRecorded: PersonalDataRecordedData,
  PersonalDataErased: PersonalDataErasedData,
  ConsentGranted: ConsentGrantedData,
  ConsentWithdrawn: ConsentWithdrawnData,
  SharingOverrideRecorded: SharingOverrideRecordedData,
  VictimIdentified: VictimIdentifiedData,
  TraffickingExperienceRecorded: TraffickingExperienceRecordedData,
  ReferredToNRM: ReferredToNRMData,
  GroundsDecided: GroundsDecidedData,
  ReflectionPeriodGranted: ReflectionPeriodGrantedData,
  ReflectionPeriodEnded: ReflectionPeriodEndedData,
  ResidencePermitDecided: ResidencePermitDecidedData,
  CaseOpened: CaseOpenedData,
  CaseTransferred: CaseTransferredData,
  CaseClosed: CaseClosedData,
  CaseReopened: CaseReopenedData,
  ReferralMade: ReferralMadeData,
  ReferralResolved: ReferralResolvedData,
  AssessmentCompleted: AssessmentCompletedData,
  ReintegrationPlanAgreed: ReintegrationPlanAgreedData,
  ServiceDelivered: ServiceDeliveredData,
  AssistanceDeclined: AssistanceDeclinedData,
  ReturnRiskAssessed: ReturnRiskAssessedData,
  ReturnDecided: ReturnDecidedData,
  ReturnCompleted: ReturnCompletedData,
  FollowUpContactAttempted: FollowUpContactAttemptedData,
  OutcomeAssessed: OutcomeAssessedData,
  EmploymentStatusRecorded: EmploymentStatusRecordedData,
  RSSAdministered: RSSAdministeredData,
  ContactLost: ContactLostData,
  ContactReestablished: ContactReestablishedData,
  ReTraffickingReported: ReTraffickingReportedData,
  LegalProceedingMilestone: LegalProceedingMilestoneData,
  CompensationDecided: CompensationDecidedData,
  EnteredInError: EnteredInErrorData,
  EventCorrected: EventCorrectedData,
};
