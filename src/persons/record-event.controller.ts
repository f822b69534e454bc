import { applyDecorators, Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import { RecordJourneyEvent, type Appended } from '../application/journey-commands';
import type { Role } from '../auth/actor';
import { Roles, type AuthenticatedRequest } from '../auth/auth.guard';
import type { JourneyEventType } from '../journey/domain';
import { personIdPipe } from './person-id.pipe';
import { AppendedResponse, commandFromBody, documentedBody, writeConditions } from './write-request';

/** Who records events about a person: caseworkers and programme managers (closing a case is the manager's alone). */
export const RECORDERS: readonly Role[] = ['caseworker', 'programme_manager'];

/** What every route recording an event shares: 201, its documented body, the conditional headers, the answers. */
function RecordsEvent(type: JourneyEventType, summary: string): MethodDecorator {
  return applyDecorators(
    HttpCode(201),
    ApiOperation({ summary, description: 'Body: the event\u2019s data plus `occurredAt` (YYYY-MM-DD or YYYY-MM).' }),
    ApiBody({ type: documentedBody(type) }),
    ApiHeader({ name: 'If-Match', required: false, description: 'The revision you last saw; a mismatch answers 409 and writes nothing' }),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key writes nothing new and answers as the first time' }),
    ApiResponse({ status: 201, type: AppendedResponse }),
    ApiResponse({ status: 400, description: 'Invalid fields (application/problem+json, `errors` names each)' }),
    ApiResponse({ status: 404, description: 'No such person' }),
    ApiResponse({ status: 409, description: 'If-Match mismatch or a concurrent write; nothing was written' }),
    ApiResponse({ status: 422, description: 'A rule of the journey was broken (`rule` names it)' }),
  );
}

/**
 * `POST /persons/:personId/<route>`: one route per event type, named for it in kebab-case plural. Each reads its
 * body into the command for its event type and sends it to the write path (RecordJourneyEvent on the CommandBus).
 */
@ApiTags('journey facts')
@ApiBearerAuth()
@Controller('persons')
export class RecordEventController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':personId/consents')
  @Roles(...RECORDERS)
  @RecordsEvent('ConsentGranted', 'Record a consent given')
  recordConsentGranted(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ConsentGranted', personId, body, request);
  }

  @Post(':personId/consent-withdrawals')
  @Roles(...RECORDERS)
  @RecordsEvent('ConsentWithdrawn', 'Record a consent withdrawn')
  recordConsentWithdrawn(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ConsentWithdrawn', personId, body, request);
  }

  @Post(':personId/sharing-overrides')
  @Roles(...RECORDERS)
  @RecordsEvent('SharingOverrideRecorded', 'Record a lawful basis for sharing the case with an organisation without consent')
  recordSharingOverrideRecorded(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('SharingOverrideRecorded', personId, body, request);
  }

  @Post(':personId/identifications')
  @Roles(...RECORDERS)
  @RecordsEvent('VictimIdentified', 'Record identification as a (presumed) victim')
  recordVictimIdentified(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('VictimIdentified', personId, body, request);
  }

  @Post(':personId/trafficking-experiences')
  @Roles(...RECORDERS)
  @RecordsEvent('TraffickingExperienceRecorded', 'Record the trafficking experience (CTDC codes)')
  recordTraffickingExperienceRecorded(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('TraffickingExperienceRecorded', personId, body, request);
  }

  @Post(':personId/nrm-referrals')
  @Roles(...RECORDERS)
  @RecordsEvent('ReferredToNRM', 'Record a referral to the National Referral Mechanism')
  recordReferredToNRM(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ReferredToNRM', personId, body, request);
  }

  @Post(':personId/grounds-decisions')
  @Roles(...RECORDERS)
  @RecordsEvent('GroundsDecided', 'Record a reasonable or conclusive grounds decision')
  recordGroundsDecided(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('GroundsDecided', personId, body, request);
  }

  @Post(':personId/reflection-periods')
  @Roles(...RECORDERS)
  @RecordsEvent('ReflectionPeriodGranted', 'Record a recovery and reflection period granted (at least 30 days)')
  recordReflectionPeriodGranted(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ReflectionPeriodGranted', personId, body, request);
  }

  @Post(':personId/reflection-period-ends')
  @Roles(...RECORDERS)
  @RecordsEvent('ReflectionPeriodEnded', 'Record the end of the reflection period')
  recordReflectionPeriodEnded(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ReflectionPeriodEnded', personId, body, request);
  }

  @Post(':personId/residence-permit-decisions')
  @Roles(...RECORDERS)
  @RecordsEvent('ResidencePermitDecided', 'Record a residence permit decision')
  recordResidencePermitDecided(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ResidencePermitDecided', personId, body, request);
  }

  @Post(':personId/cases')
  @Roles(...RECORDERS)
  @RecordsEvent('CaseOpened', 'Open a case')
  recordCaseOpened(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('CaseOpened', personId, body, request);
  }

  @Post(':personId/case-transfers')
  @Roles(...RECORDERS)
  @RecordsEvent('CaseTransferred', 'Transfer the case to another organisation')
  recordCaseTransferred(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('CaseTransferred', personId, body, request);
  }

  @Post(':personId/case-closures')
  @Roles('programme_manager') // closing a case is the programme manager's decision
  @RecordsEvent('CaseClosed', 'Close the open case')
  recordCaseClosed(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('CaseClosed', personId, body, request);
  }

  @Post(':personId/case-reopenings')
  @Roles(...RECORDERS)
  @RecordsEvent('CaseReopened', 'Reopen the closed case')
  recordCaseReopened(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('CaseReopened', personId, body, request);
  }

  @Post(':personId/referrals')
  @Roles(...RECORDERS)
  @RecordsEvent('ReferralMade', 'Record a referral to another organisation')
  recordReferralMade(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ReferralMade', personId, body, request);
  }

  @Post(':personId/referral-resolutions')
  @Roles(...RECORDERS)
  @RecordsEvent('ReferralResolved', 'Record how a referral was resolved')
  recordReferralResolved(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ReferralResolved', personId, body, request);
  }

  @Post(':personId/assessments')
  @Roles(...RECORDERS)
  @RecordsEvent('AssessmentCompleted', 'Record an assessment')
  recordAssessmentCompleted(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('AssessmentCompleted', personId, body, request);
  }

  @Post(':personId/reintegration-plans')
  @Roles(...RECORDERS)
  @RecordsEvent('ReintegrationPlanAgreed', 'Record the reintegration plan agreed, goals by domain')
  recordReintegrationPlanAgreed(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ReintegrationPlanAgreed', personId, body, request);
  }

  @Post(':personId/services')
  @Roles(...RECORDERS)
  @RecordsEvent('ServiceDelivered', 'Record a service delivered')
  recordServiceDelivered(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ServiceDelivered', personId, body, request);
  }

  @Post(':personId/assistance-declines')
  @Roles(...RECORDERS)
  @RecordsEvent('AssistanceDeclined', 'Record assistance declined')
  recordAssistanceDeclined(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('AssistanceDeclined', personId, body, request);
  }

  @Post(':personId/return-risk-assessments')
  @Roles(...RECORDERS)
  @RecordsEvent('ReturnRiskAssessed', 'Record a return risk assessment')
  recordReturnRiskAssessed(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ReturnRiskAssessed', personId, body, request);
  }

  @Post(':personId/return-decisions')
  @Roles(...RECORDERS)
  @RecordsEvent('ReturnDecided', 'Record a return decision')
  recordReturnDecided(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ReturnDecided', personId, body, request);
  }

  @Post(':personId/returns')
  @Roles(...RECORDERS)
  @RecordsEvent('ReturnCompleted', 'Record a completed return')
  recordReturnCompleted(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ReturnCompleted', personId, body, request);
  }

  @Post(':personId/follow-up-contacts')
  @Roles(...RECORDERS)
  @RecordsEvent('FollowUpContactAttempted', 'Record a follow-up contact attempt')
  recordFollowUpContactAttempted(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('FollowUpContactAttempted', personId, body, request);
  }

  @Post(':personId/outcome-assessments')
  @Roles(...RECORDERS)
  @RecordsEvent('OutcomeAssessed', 'Record an outcome indicator')
  recordOutcomeAssessed(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('OutcomeAssessed', personId, body, request);
  }

  @Post(':personId/employment-statuses')
  @Roles(...RECORDERS)
  @RecordsEvent('EmploymentStatusRecorded', 'Record the employment status')
  recordEmploymentStatusRecorded(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('EmploymentStatusRecorded', personId, body, request);
  }

  @Post(':personId/rss-administrations')
  @Roles(...RECORDERS)
  @RecordsEvent('RSSAdministered', 'Record an IOM Reintegration Sustainability Survey')
  recordRSSAdministered(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('RSSAdministered', personId, body, request);
  }

  @Post(':personId/contact-losses')
  @Roles(...RECORDERS)
  @RecordsEvent('ContactLost', 'Record that contact was lost')
  recordContactLost(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ContactLost', personId, body, request);
  }

  @Post(':personId/contact-reestablishments')
  @Roles(...RECORDERS)
  @RecordsEvent('ContactReestablished', 'Record that contact was re-established')
  recordContactReestablished(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ContactReestablished', personId, body, request);
  }

  @Post(':personId/re-trafficking-reports')
  @Roles(...RECORDERS)
  @RecordsEvent('ReTraffickingReported', 'Record a report of re-trafficking')
  recordReTraffickingReported(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('ReTraffickingReported', personId, body, request);
  }

  @Post(':personId/legal-proceeding-milestones')
  @Roles(...RECORDERS)
  @RecordsEvent('LegalProceedingMilestone', 'Record a legal proceedings milestone')
  recordLegalProceedingMilestone(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('LegalProceedingMilestone', personId, body, request);
  }

  @Post(':personId/compensation-decisions')
  @Roles(...RECORDERS)
  @RecordsEvent('CompensationDecided', 'Record a compensation decision')
  recordCompensationDecided(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('CompensationDecided', personId, body, request);
  }

  @Post(':personId/entries-in-error')
  @Roles(...RECORDERS)
  @RecordsEvent('EnteredInError', 'Mark an earlier event as entered in error')
  recordEnteredInError(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('EnteredInError', personId, body, request);
  }

  @Post(':personId/corrections')
  @Roles(...RECORDERS)
  @RecordsEvent('EventCorrected', 'Correct the data of an earlier event')
  recordEventCorrected(@Param('personId', personIdPipe) personId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.record('EventCorrected', personId, body, request);
  }

  private record(type: JourneyEventType, personId: string, body: unknown, { actor, headers }: AuthenticatedRequest): Promise<Appended> {
    return this.commands.execute(
      new RecordJourneyEvent(personId, actor, () => ({ command: commandFromBody(type, body, actor.org), ...writeConditions(headers) })),
    );
  }
}
