import fc from 'fast-check';
import { decide } from './decide';
import { command, given, personRegistered, recorded, ruleBrokenBy } from '../../../test/support/journey-given';
import { JourneyRuleViolation } from './rule-violation';

const assistanceConsent = () => recorded('ConsentGranted', { scope: 'assistance' });
const shelter = { domain: 'accommodation', serviceType: 'shelter' } as const;

describe('decide', () => {
  it('returns the fact as one event with its schema version and occurredAt', () => {
    const state = given(personRegistered(), assistanceConsent());
    expect(decide(command('ServiceDelivered', shelter), state)).toEqual([
      { type: 'ServiceDelivered', schemaVersion: 1, occurredAt: '2024-03-01', data: shelter },
    ]);
  });

  it('breaks rules with a JourneyRuleViolation whose message holds nothing about the person', () => {
    const state = given(recorded('PersonRegistered', { gender: 'male', citizenship: 'AL', pseudonymCode: 'P-77' }));
    let violation: unknown;
    try {
      decide(command('PersonRegistered', { gender: 'male', citizenship: 'AL', pseudonymCode: 'P-77' }), state);
    } catch (error) {
      violation = error;
    }
    expect(violation).toBeInstanceOf(JourneyRuleViolation);
    expect((violation as JourneyRuleViolation).message).not.toMatch(/P-77|AL|male/);
  });

  describe('registration', () => {
    it('records nothing for an unregistered person', () => {
      expect(ruleBrokenBy(command('CaseOpened', { programme: 'recovery' }), given())).toBe('person_not_registered');
      expect(ruleBrokenBy(command('ConsentGranted', { scope: 'assistance' }), given())).toBe('person_not_registered');
    });

    it('registers a person once', () => {
      const registration = command('PersonRegistered', { gender: 'female', citizenship: 'NG' });
      expect(ruleBrokenBy(registration, given())).toBeUndefined();
      expect(ruleBrokenBy(registration, given(personRegistered()))).toBe('person_already_registered');
    });
  });

  describe('services', () => {
    it('need an assistance consent', () => {
      expect(ruleBrokenBy(command('ServiceDelivered', shelter), given(personRegistered()))).toBe('assistance_consent_required');
      const otherScopes = given(personRegistered(), recorded('ConsentGranted', { scope: 'research' }));
      expect(ruleBrokenBy(command('ServiceDelivered', shelter), otherScopes)).toBe('assistance_consent_required');
    });

    it('are refused once assistance consent is withdrawn, and accepted again after a new consent', () => {
      const withdrawn = [personRegistered(), assistanceConsent(), recorded('ConsentWithdrawn', { scope: 'assistance' })];
      expect(ruleBrokenBy(command('ServiceDelivered', shelter), given(...withdrawn))).toBe('assistance_consent_required');
      expect(ruleBrokenBy(command('ServiceDelivered', shelter), given(...withdrawn, assistanceConsent()))).toBeUndefined();
    });

    it('are refused on a closed case until it is reopened', () => {
      const closed = [
        personRegistered(),
        assistanceConsent(),
        recorded('CaseOpened', { programme: 'reintegration' }),
        recorded('CaseClosed', { reason: 'funding_ended' }),
      ];
      expect(ruleBrokenBy(command('ServiceDelivered', shelter), given(...closed))).toBe('case_closed');
      const reopened = given(...closed, recorded('CaseReopened', { reason: 'new funding' }));
      expect(ruleBrokenBy(command('ServiceDelivered', shelter), reopened)).toBeUndefined();
    });

    it('may be recorded before any case is opened (identification-stage assistance, imported history)', () => {
      expect(ruleBrokenBy(command('ServiceDelivered', shelter), given(personRegistered(), assistanceConsent()))).toBe(undefined);
    });
  });

  describe('consent withdrawal', () => {
    it('needs an active consent of that scope', () => {
      const state = given(personRegistered(), recorded('ConsentGranted', { scope: 'follow_up' }));
      expect(ruleBrokenBy(command('ConsentWithdrawn', { scope: 'research' }), state)).toBe('consent_not_active');
      expect(ruleBrokenBy(command('ConsentWithdrawn', { scope: 'follow_up' }), state)).toBeUndefined();
    });

    it('cannot withdraw the same consent twice', () => {
      const state = given(personRegistered(), recorded('ConsentGranted', { scope: 'research' }), recorded('ConsentWithdrawn', { scope: 'research' }));
      expect(ruleBrokenBy(command('ConsentWithdrawn', { scope: 'research' }), state)).toBe('consent_not_active');
    });

    it('withdraws sharing with the organisation it was given for, not another', () => {
      const state = given(personRegistered(), recorded('ConsentGranted', { scope: 'sharing', organisationId: 'org-b' }));
      expect(ruleBrokenBy(command('ConsentWithdrawn', { scope: 'sharing', organisationId: 'org-c' }), state)).toBe('consent_not_active');
      expect(ruleBrokenBy(command('ConsentWithdrawn', { scope: 'sharing', organisationId: 'org-b' }), state)).toBeUndefined();
    });
  });

  describe('reflection period', () => {
    it('lasts at least 30 days', () => {
      const state = given(personRegistered());
      expect(ruleBrokenBy(command('ReflectionPeriodGranted', { from: '2024-01-01', to: '2024-01-30' }), state)).toBe('reflection_period_too_short');
      expect(ruleBrokenBy(command('ReflectionPeriodGranted', { from: '2024-01-01', to: '2024-01-31' }), state)).toBeUndefined();
      expect(ruleBrokenBy(command('ReflectionPeriodGranted', { from: '2024-03-01', to: '2024-02-01' }), state)).toBe('reflection_period_too_short');
    });

    it('is accepted exactly when it spans 30 days or more, across months, leap years and clock changes', () => {
      const state = given(personRegistered());
      const day = 24 * 60 * 60 * 1000;
      fc.assert(
        fc.property(
          fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true }),
          fc.integer({ min: -60, max: 400 }),
          (start, days) => {
            const from = start.toISOString().slice(0, 10);
            const to = new Date(Date.parse(from) + days * day).toISOString().slice(0, 10);
            const broken = ruleBrokenBy(command('ReflectionPeriodGranted', { from, to }), state);
            expect(broken).toBe(days >= 30 ? undefined : 'reflection_period_too_short');
          },
        ),
      );
    });
  });

  describe('cases', () => {
    const opened = () => recorded('CaseOpened', { programme: 'recovery' });
    const closed = () => recorded('CaseClosed', { reason: 'goals_met' });

    it('cannot be opened while one is open', () => {
      expect(ruleBrokenBy(command('CaseOpened', { programme: 'return' }), given(personRegistered(), opened()))).toBe('case_already_open');
      expect(ruleBrokenBy(command('CaseOpened', { programme: 'return' }), given(personRegistered(), opened(), closed()))).toBeUndefined();
    });

    it('cannot be closed unless open', () => {
      const close = command('CaseClosed', { reason: 'moved_away' });
      expect(ruleBrokenBy(close, given(personRegistered()))).toBe('case_not_open');
      expect(ruleBrokenBy(close, given(personRegistered(), opened(), closed()))).toBe('case_not_open');
      expect(ruleBrokenBy(close, given(personRegistered(), opened()))).toBeUndefined();
    });

    it('cannot be reopened unless closed', () => {
      const reopen = command('CaseReopened', { reason: 'person came back' });
      expect(ruleBrokenBy(reopen, given(personRegistered()))).toBe('case_not_closed');
      expect(ruleBrokenBy(reopen, given(personRegistered(), opened()))).toBe('case_not_closed');
      expect(ruleBrokenBy(reopen, given(personRegistered(), opened(), closed()))).toBeUndefined();
    });
  });

  describe('referrals', () => {
    it('are resolved only when made and not yet resolved', () => {
      const made = recorded('ReferralMade', { referralId: 'R1', toOrganisationId: 'org-b' });
      const resolve = command('ReferralResolved', { referralId: 'R1', outcome: 'accepted' });
      expect(ruleBrokenBy(resolve, given(personRegistered()))).toBe('referral_not_pending');
      expect(ruleBrokenBy(resolve, given(personRegistered(), made))).toBeUndefined();
      const resolved = recorded('ReferralResolved', { referralId: 'R1', outcome: 'declined' });
      expect(ruleBrokenBy(resolve, given(personRegistered(), made, resolved))).toBe('referral_not_pending');
    });
  });

  describe('corrections', () => {
    const service = () => recorded('ServiceDelivered', shelter);

    it('target an existing event of the same person', () => {
      const state = given(personRegistered(), assistanceConsent(), service());
      const elsewhere = '99999999-0000-4000-8000-000000000000';
      expect(ruleBrokenBy(command('EnteredInError', { targetEventId: elsewhere, reason: 'typo' }), state)).toBe('correction_target_not_found');
      expect(ruleBrokenBy(command('EventCorrected', { targetEventId: elsewhere, reason: 'typo', correctedData: shelter }), state)).toBe(
        'correction_target_not_found',
      );
    });

    it('accept a target that still counts', () => {
      const target = service();
      const state = given(personRegistered(), assistanceConsent(), target);
      const correctedData = { domain: 'mental_health', serviceType: 'counselling' };
      expect(ruleBrokenBy(command('EventCorrected', { targetEventId: target.eventId, reason: 'wrong', correctedData }), state)).toBeUndefined();
      expect(ruleBrokenBy(command('EnteredInError', { targetEventId: target.eventId, reason: 'wrong person' }), state)).toBeUndefined();
    });

    it('cannot target an event already entered in error', () => {
      const target = service();
      const state = given(personRegistered(), assistanceConsent(), target, recorded('EnteredInError', { targetEventId: target.eventId, reason: 'duplicate' }));
      expect(ruleBrokenBy(command('EnteredInError', { targetEventId: target.eventId, reason: 'again' }), state)).toBe('correction_target_entered_in_error');
      expect(ruleBrokenBy(command('EventCorrected', { targetEventId: target.eventId, reason: 'x', correctedData: shelter }), state)).toBe(
        'correction_target_entered_in_error',
      );
    });

    it('cannot enter the registration, or another EnteredInError, in error', () => {
      const registration = personRegistered();
      const service1 = service();
      const error = recorded('EnteredInError', { targetEventId: service1.eventId, reason: 'duplicate' });
      const state = given(registration, assistanceConsent(), service1, error);
      expect(ruleBrokenBy(command('EnteredInError', { targetEventId: registration.eventId, reason: 'x' }), state)).toBe('correction_target_not_correctable');
      expect(ruleBrokenBy(command('EnteredInError', { targetEventId: error.eventId, reason: 'x' }), state)).toBe('correction_target_not_correctable');
    });

    it('may correct the registration but not a correction', () => {
      const registration = personRegistered();
      const correction = recorded('EventCorrected', {
        targetEventId: registration.eventId,
        reason: 'wrong year',
        correctedData: { gender: 'female', birthYear: 1991, citizenship: 'NG' },
      });
      const state = given(registration, correction);
      const correctAgain = (targetEventId: string) =>
        command('EventCorrected', { targetEventId, reason: 'x', correctedData: { gender: 'female', citizenship: 'NG' } });
      expect(ruleBrokenBy(correctAgain(registration.eventId), state)).toBeUndefined();
      expect(ruleBrokenBy(correctAgain(correction.eventId), state)).toBe('correction_target_not_correctable');
    });
  });

  it('does not impose an order on the other stages (imported histories arrive in any order)', () => {
    const state = given(personRegistered());
    expect(ruleBrokenBy(command('ReturnCompleted', { destinationCountry: 'AL' }), state)).toBeUndefined();
    expect(ruleBrokenBy(command('EmploymentStatusRecorded', { status: 'student' }), state)).toBeUndefined();
    expect(ruleBrokenBy(command('ContactReestablished', {}), state)).toBeUndefined();
  });
});
