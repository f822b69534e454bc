import { command, given, personRegistered, recorded, ruleBrokenBy } from '../../../test/support/journey-given';
import { mayAccess } from './state';

const referTo = (organisationId: string) => command('ReferralMade', { referralId: 'R1', toOrganisationId: organisationId });
const transferTo = (organisationId: string) => command('CaseTransferred', { toOrganisationId: organisationId });
const sharingConsent = (organisationId: string) => recorded('ConsentGranted', { scope: 'sharing', organisationId });
const sharingWithdrawn = (organisationId: string) => recorded('ConsentWithdrawn', { scope: 'sharing', organisationId });

describe('sharing a case with another organisation', () => {
  it.each([
    ['a referral', referTo],
    ['a transfer', transferTo],
  ])('%s to another organisation needs a sharing consent naming it', (_, to) => {
    expect(ruleBrokenBy(to('org-b'), given(personRegistered()))).toBe('sharing_basis_required');
    expect(ruleBrokenBy(to('org-b'), given(personRegistered(), sharingConsent('org-c')))).toBe('sharing_basis_required');
    expect(ruleBrokenBy(to('org-b'), given(personRegistered(), recorded('ConsentGranted', { scope: 'assistance' })))).toBe('sharing_basis_required');
    expect(ruleBrokenBy(to('org-b'), given(personRegistered(), sharingConsent('org-b')))).toBeUndefined();
  });

  it.each([
    ['a referral', referTo],
    ['a transfer', transferTo],
  ])('%s within the organisation holding the case needs no consent', (_, to) => {
    expect(ruleBrokenBy(to('org-a'), given(personRegistered()))).toBeUndefined();
  });

  it.each([
    ['a referral', referTo],
    ['a transfer', transferTo],
  ])('%s is refused at once after the consent is withdrawn', (_, to) => {
    const withdrawn = given(personRegistered(), sharingConsent('org-b'), sharingWithdrawn('org-b'));
    expect(ruleBrokenBy(to('org-b'), withdrawn)).toBe('sharing_basis_required');
  });

  it.each(['child_best_interest', 'legal_obligation', 'vital_interest'] as const)(
    'a recorded override basis (%s) stands in for consent, for the organisation it names only',
    (basis) => {
      const overridden = given(personRegistered(), recorded('SharingOverrideRecorded', { organisationId: 'org-b', basis }));
      expect(ruleBrokenBy(referTo('org-b'), overridden)).toBeUndefined();
      expect(ruleBrokenBy(transferTo('org-b'), overridden)).toBeUndefined();
      expect(ruleBrokenBy(referTo('org-c'), overridden)).toBe('sharing_basis_required');
    },
  );

  it('no longer counts an override entered in error', () => {
    const override = recorded('SharingOverrideRecorded', { organisationId: 'org-b', basis: 'legal_obligation' });
    const state = given(personRegistered(), override, recorded('EnteredInError', { targetEventId: override.eventId, reason: 'wrong case' }));
    expect(ruleBrokenBy(referTo('org-b'), state)).toBe('sharing_basis_required');
  });
});

describe('which organisations may access a person', () => {
  it('is the one that registered them', () => {
    const state = given(personRegistered());
    expect(state.organisationId).toBe('org-a');
    expect(mayAccess(state, 'org-a')).toBe(true);
    expect(mayAccess(state, 'org-b')).toBe(false);
  });

  it('moves with a transfer: the old organisation loses access, the new one gains it', () => {
    const state = given(personRegistered(), sharingConsent('org-b'), recorded('CaseTransferred', { toOrganisationId: 'org-b' }));
    expect(state.organisationId).toBe('org-b');
    expect(mayAccess(state, 'org-a')).toBe(false);
    expect(mayAccess(state, 'org-b')).toBe(true);
  });

  it('takes a transfer entered in error back', () => {
    const transfer = recorded('CaseTransferred', { toOrganisationId: 'org-b' });
    const state = given(personRegistered(), transfer, recorded('EnteredInError', { targetEventId: transfer.eventId, reason: 'x' }));
    expect(state.organisationId).toBe('org-a');
  });

  it('includes organisations with an active sharing consent or an override, and ends with the consent', () => {
    const shared = given(personRegistered(), sharingConsent('org-b'));
    expect(mayAccess(shared, 'org-b')).toBe(true);
    expect(mayAccess(given(personRegistered(), sharingConsent('org-b'), sharingWithdrawn('org-b')), 'org-b')).toBe(false);
    const overridden = given(personRegistered(), recorded('SharingOverrideRecorded', { organisationId: 'org-c', basis: 'vital_interest' }));
    expect(mayAccess(overridden, 'org-c')).toBe(true);
  });

  it('refuses facts from an organisation without access exactly as facts about nobody', () => {
    const state = given(personRegistered());
    const fromOrgB = command('ContactLost', {}, 'org-b');
    expect(ruleBrokenBy(fromOrgB, state)).toBe('person_not_registered');
    expect(ruleBrokenBy(fromOrgB, given())).toBe('person_not_registered');
    expect(ruleBrokenBy(fromOrgB, given(personRegistered(), sharingConsent('org-b')))).toBeUndefined();
    expect(ruleBrokenBy(fromOrgB, given(personRegistered(), sharingConsent('org-b'), sharingWithdrawn('org-b')))).toBe('person_not_registered');
  });
});

describe("sharing is the holding organisation's decision", () => {
  const sharedWithB = () => given(personRegistered(), sharingConsent('org-b'));

  it.each([
    ['a sharing consent', command('ConsentGranted', { scope: 'sharing', organisationId: 'org-c' }, 'org-b')],
    ['a withdrawal', command('ConsentWithdrawn', { scope: 'sharing', organisationId: 'org-b' }, 'org-b')],
    ['an override for itself', command('SharingOverrideRecorded', { organisationId: 'org-b', basis: 'vital_interest' }, 'org-b')],
    ['an override for a third organisation', command('SharingOverrideRecorded', { organisationId: 'org-c', basis: 'vital_interest' }, 'org-b')],
    ['a referral', command('ReferralMade', { referralId: 'R1', toOrganisationId: 'org-b' }, 'org-b')],
    ['a transfer to itself', command('CaseTransferred', { toOrganisationId: 'org-b' }, 'org-b')],
    ['a case opened', command('CaseOpened', { programme: 'reintegration' }, 'org-b')],
    ['a correction', command('EnteredInError', { targetEventId: '00000000-0000-4000-8000-000000000001', reason: 'x' }, 'org-b')],
  ])('an organisation the case is shared with cannot record %s', (_, fact) => {
    expect(ruleBrokenBy(fact, sharedWithB())).toBe('holding_organisation_only');
  });

  it.each([
    command('ServiceDelivered', { domain: 'accommodation', serviceType: 'shelter' }, 'org-b'),
    command('AssessmentCompleted', { type: 'needs', instrument: 'i', instrumentVersion: '1', result: 3 }, 'org-b'),
    command('FollowUpContactAttempted', { mode: 'phone', result: 'reached' }, 'org-b'),
    command('OutcomeAssessed', { domain: 'accommodation', indicator: 'has_safe_accommodation', value: true }, 'org-b'),
    command('EmploymentStatusRecorded', { status: 'student' }, 'org-b'),
  ])('an organisation the case is shared with records its own work: $type', (fact) => {
    const withAssistance = given(personRegistered(), sharingConsent('org-b'), recorded('ConsentGranted', { scope: 'assistance' }));
    expect(ruleBrokenBy(fact, withAssistance)).toBeUndefined();
  });

  it('an override names another organisation, never the one recording it', () => {
    expect(ruleBrokenBy(command('SharingOverrideRecorded', { organisationId: 'org-a', basis: 'legal_obligation' }), given(personRegistered()))).toBe(
      'override_names_own_organisation',
    );
  });

  it('sharing decisions in an older log made by another organisation never widen access', () => {
    const byB = (type: 'SharingOverrideRecorded' | 'CaseTransferred', data: object) => recorded(type, data as never, undefined, 'org-b');
    const state = given(
      personRegistered(),
      sharingConsent('org-b'),
      byB('SharingOverrideRecorded', { organisationId: 'org-b', basis: 'vital_interest' }),
      byB('SharingOverrideRecorded', { organisationId: 'org-c', basis: 'vital_interest' }),
      byB('CaseTransferred', { toOrganisationId: 'org-b' }),
      sharingWithdrawn('org-b'),
    );
    expect(state.organisationId).toBe('org-a');
    expect(mayAccess(state, 'org-b')).toBe(false);
    expect(mayAccess(state, 'org-c')).toBe(false);
  });
});

describe('personal data', () => {
  const fields = { fullName: { ciphertext: 'AA==', iv: 'AA==', tag: 'AA==' } };

  it('cannot be recorded or erased again once erased', () => {
    const erased = given(personRegistered(), recorded('PersonalDataErased', { basis: 'person_request' }));
    expect(erased.personalDataErased).toBe(true);
    expect(ruleBrokenBy(command('PersonalDataRecorded', { fields }), erased)).toBe('personal_data_erased');
    expect(ruleBrokenBy(command('PersonalDataErased', { basis: 'person_request' }), erased)).toBe('personal_data_erased');
    expect(ruleBrokenBy(command('PersonalDataRecorded', { fields }), given(personRegistered()))).toBeUndefined();
  });

  it('is neither corrected nor entered in error: an erasure cannot be undone', () => {
    const data = recorded('PersonalDataRecorded', { fields });
    const erasure = recorded('PersonalDataErased', { basis: 'legal_obligation' });
    const state = given(personRegistered(), data, erasure);
    for (const target of [data, erasure]) {
      expect(ruleBrokenBy(command('EnteredInError', { targetEventId: target.eventId, reason: 'x' }), state)).toBe('correction_target_not_correctable');
      expect(ruleBrokenBy(command('EventCorrected', { targetEventId: target.eventId, reason: 'x', correctedData: {} }), state)).toBe(
        'correction_target_not_correctable',
      );
    }
  });
});
