/**
 * The journey's rules: given what is known about a person, may this command's event be recorded? Stages are not a
 * strict sequence (people decline, drop out, come back, and old histories are imported), so the rules only refuse
 * what a caseworker would call impossible or unlawful.
 */
import type { JourneyCommand } from './commands';
import { type JourneyEvent, type JourneyEventType, SCHEMA_VERSIONS } from './events';
import { correctedTypeOf, holdsFreeText } from './free-text';
import { JourneyRuleViolation } from './rule-violation';
import { consentKey, type JourneyState, mayAccess } from './state';

/**
 * What an organisation the case is shared with may record: its own work with the person. Everything else (consents,
 * sharing, referrals, transfers, closing and reopening, corrections, personal data) is the holding organisation's.
 */
const SHARED_ORGANISATIONS_RECORD: ReadonlySet<JourneyEventType> = new Set<JourneyEventType>([
  'ServiceDelivered',
  'AssessmentCompleted',
  'ReturnRiskAssessed',
  'FollowUpContactAttempted',
  'ContactLost',
  'ContactReestablished',
  'OutcomeAssessed',
  'EmploymentStatusRecorded',
  'RSSAdministered',
  'ReTraffickingReported',
]);

const MIN_REFLECTION_DAYS = 30; // CETS 197 Art. 13
const DAY_MS = 24 * 60 * 60 * 1000;

/** The events a command records: one, of its type, or a JourneyRuleViolation naming the rule it breaks. */
export function decide(command: JourneyCommand, state: JourneyState): JourneyEvent[] {
  check(command, state);
  checkFreeTextAfterErasure(command, state);
  // The organisation recording it goes into the event's metadata, not its data.
  const { organisationId: _recordedBy, ...event } = command;
  return [{ ...event, schemaVersion: SCHEMA_VERSIONS[command.type] }];
}

function check(command: JourneyCommand, state: JourneyState): void {
  if (command.type === 'PersonRegistered') {
    if (state.registered) throw new JourneyRuleViolation('person_already_registered', 'The person is already registered');
    return;
  }
  // A person another organisation holds (and does not share) is refused exactly as a person nobody registered,
  // so that neither the API nor the import reveals that they exist.
  if (!state.registered || !mayAccess(state, command.organisationId)) {
    throw new JourneyRuleViolation('person_not_registered', 'Nothing can be recorded before the person is registered');
  }
  if (command.organisationId !== state.organisationId && !SHARED_ORGANISATIONS_RECORD.has(command.type)) {
    throw new JourneyRuleViolation(
      'holding_organisation_only',
      `Only the organisation holding the case records ${command.type}; an organisation it is shared with records services, assessments, follow-up contacts and outcomes`,
    );
  }
  switch (command.type) {
    case 'ServiceDelivered':
      if (!state.consents.has(consentKey('assistance'))) {
        throw new JourneyRuleViolation('assistance_consent_required', 'A service needs an assistance consent that has not been withdrawn');
      }
      if (state.caseStatus === 'closed') {
        throw new JourneyRuleViolation('case_closed', 'The case is closed: reopen it before recording services');
      }
      return;
    case 'ConsentWithdrawn':
      if (!state.consents.has(consentKey(command.data.scope, command.data.organisationId))) {
        throw new JourneyRuleViolation('consent_not_active', 'There is no active consent of this scope to withdraw');
      }
      return;
    case 'ReflectionPeriodGranted':
      if ((Date.parse(command.data.to) - Date.parse(command.data.from)) / DAY_MS < MIN_REFLECTION_DAYS) {
        throw new JourneyRuleViolation('reflection_period_too_short', `A reflection period lasts at least ${MIN_REFLECTION_DAYS} days`);
      }
      return;
    case 'CaseOpened':
      if (state.caseStatus === 'open') {
        throw new JourneyRuleViolation('case_already_open', 'A case is already open: close it before opening another');
      }
      return;
    case 'CaseClosed':
      if (state.caseStatus !== 'open') throw new JourneyRuleViolation('case_not_open', 'There is no open case to close');
      return;
    case 'CaseReopened':
      if (state.caseStatus !== 'closed') {
        throw new JourneyRuleViolation('case_not_closed', 'There is no closed case to reopen');
      }
      return;
    case 'SharingOverrideRecorded':
      if (command.data.organisationId === command.organisationId) {
        throw new JourneyRuleViolation('override_names_own_organisation', 'A sharing override names another organisation than the one recording it');
      }
      return;
    case 'ReferralMade':
    case 'CaseTransferred':
      checkSharingBasis(state, command.data.toOrganisationId);
      return;
    case 'PersonalDataRecorded':
    case 'PersonalDataErased':
      if (state.personalDataErased) {
        throw new JourneyRuleViolation('personal_data_erased', "The person's personal data was erased");
      }
      return;
    case 'ReferralResolved':
      if (!state.pendingReferrals.has(command.data.referralId)) {
        throw new JourneyRuleViolation('referral_not_pending', 'No pending referral has this referral id');
      }
      return;
    case 'EnteredInError':
      checkCorrectionTarget(state, command.data.targetEventId, ['EnteredInError', 'PersonRegistered', ...PERSONAL_DATA]);
      return;
    case 'EventCorrected':
      checkCorrectionTarget(state, command.data.targetEventId, ['EnteredInError', 'EventCorrected', ...PERSONAL_DATA]);
      return;
    default:
      // The other facts need only the checks above: a registered person the organisation may access.
      return;
  }
}

/**
 * After an erasure no free text is recorded about the person: sealed under a new key, it would be readable again.
 * Events without free text still are.
 */
function checkFreeTextAfterErasure(command: JourneyCommand, state: JourneyState): void {
  const correctedType = correctedTypeOf(command, (eventId) => state.events.get(eventId)?.type);
  if (state.personalDataErased && holdsFreeText(command.type, command.data, correctedType)) {
    throw new JourneyRuleViolation('personal_data_erased', "The person's personal data was erased: record this without free text");
  }
}

/**
 * Personal data is replaced by recording it again and ended by erasure; a correction of it would carry plaintext
 * outside its encryption, and undoing an erasure cannot bring back a destroyed key.
 */
const PERSONAL_DATA: readonly JourneyEventType[] = ['PersonalDataRecorded', 'PersonalDataErased'];

/** A case leaves its organisation (referral, transfer) only with a sharing consent naming the other one, or an override. */
function checkSharingBasis(state: JourneyState, toOrganisationId: string): void {
  if (toOrganisationId === state.organisationId) return;
  if (state.consents.has(consentKey('sharing', toOrganisationId)) || state.sharingOverrides.has(toOrganisationId)) return;
  throw new JourneyRuleViolation(
    'sharing_basis_required',
    'Sharing with another organisation needs an active sharing consent naming it, or a recorded override basis',
  );
}

/**
 * A correction targets an event of this person's stream that still counts. Entering in error an EnteredInError
 * (or the registration itself) and correcting a correction are refused: record the event anew, or correct the original.
 */
function checkCorrectionTarget(state: JourneyState, targetEventId: string, notCorrectable: readonly JourneyEventType[]): void {
  const target = state.events.get(targetEventId);
  if (!target) {
    throw new JourneyRuleViolation('correction_target_not_found', "The target event is not in this person's journey");
  }
  if (state.enteredInError.has(targetEventId)) {
    throw new JourneyRuleViolation('correction_target_entered_in_error', 'The target event is already entered in error');
  }
  if (notCorrectable.includes(target.type)) {
    throw new JourneyRuleViolation('correction_target_not_correctable', `An event of type ${target.type} cannot be the target of this correction`);
  }
}
