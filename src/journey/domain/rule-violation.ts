/** The stable codes of the journey's rules, as API clients and import reports see them. */
export type JourneyRule =
  | 'person_not_registered'
  | 'person_already_registered'
  | 'assistance_consent_required'
  | 'consent_not_active'
  | 'reflection_period_too_short'
  | 'case_closed'
  | 'case_already_open'
  | 'case_not_open'
  | 'case_not_closed'
  | 'referral_not_pending'
  | 'sharing_basis_required'
  | 'holding_organisation_only'
  | 'override_names_own_organisation'
  | 'personal_data_erased'
  | 'correction_target_not_found'
  | 'correction_target_entered_in_error'
  | 'correction_target_not_correctable';

/** A command the journey's rules refuse. The message names the rule only, never anything about the person. */
export class JourneyRuleViolation extends Error {
  constructor(
    readonly rule: JourneyRule,
    message: string,
  ) {
    super(message);
    this.name = 'JourneyRuleViolation';
  }
}
