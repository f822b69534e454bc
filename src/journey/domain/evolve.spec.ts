import fc from 'fast-check';
import type { JourneyEventData, RecordedJourneyEvent } from './events';
import { given, nextEventId, personRegistered, recorded } from '../../../test/support/journey-given';
import { consentKey, evolve, initialState, type JourneyState } from './state';

/** What the rules look at, leaving out the log itself. */
const derived = ({ registered, consents, caseStatus, pendingReferrals }: JourneyState) => ({
  registered,
  consents: [...consents].sort(),
  caseStatus,
  pendingReferrals: [...pendingReferrals].sort(),
});

const consentData = fc.oneof(
  fc.constantFrom('assistance', 'follow_up', 'research').map((scope) => ({ scope }) as JourneyEventData['ConsentGranted']),
  fc.constantFrom('org-b', 'org-c').map((organisationId) => ({ scope: 'sharing' as const, organisationId })),
);
const referralId = fc.constantFrom('R1', 'R2', 'R3');

/** An event before it is given an id. */
type Unrecorded = { type: string; occurredAt: string; data: object };

/** Any mix of the events that the rules look at, not necessarily one decide would accept: evolve is total. */
const ruleRelevantEvent: fc.Arbitrary<Unrecorded> = fc
  .oneof(
    consentData.map((data) => ({ type: 'ConsentGranted', data })),
    consentData.map((data) => ({ type: 'ConsentWithdrawn', data })),
    fc.constant({ type: 'CaseOpened', data: { programme: 'recovery' } }),
    fc.constant({ type: 'CaseClosed', data: { reason: 'goals_met' } }),
    fc.constant({ type: 'CaseReopened', data: { reason: 'came back' } }),
    referralId.map((id) => ({ type: 'ReferralMade', data: { referralId: id, toOrganisationId: 'org-b' } })),
    referralId.map((id) => ({ type: 'ReferralResolved', data: { referralId: id, outcome: 'completed' } })),
    fc.constant({ type: 'ServiceDelivered', data: { domain: 'accommodation', serviceType: 'shelter' } }),
  )
  .map((event) => ({ ...event, occurredAt: '2024-05-01' }));

const journey = fc
  .array(ruleRelevantEvent, { maxLength: 25 })
  .map((events) => [personRegistered(), ...events.map((event) => ({ ...event, eventId: nextEventId() }) as RecordedJourneyEvent)]);

describe('evolve', () => {
  it('starts from nothing known', () => {
    expect(derived(initialState)).toEqual({ registered: false, consents: [], caseStatus: 'none', pendingReferrals: [] });
  });

  it('tracks registration, consents by scope (sharing by organisation), the case and pending referrals', () => {
    const state = given(
      personRegistered(),
      recorded('ConsentGranted', { scope: 'assistance' }),
      recorded('ConsentGranted', { scope: 'sharing', organisationId: 'org-b' }),
      recorded('ConsentGranted', { scope: 'research' }),
      recorded('ConsentWithdrawn', { scope: 'research' }),
      recorded('CaseOpened', { programme: 'return' }),
      recorded('ReferralMade', { referralId: 'R1', toOrganisationId: 'org-b' }),
    );
    expect(derived(state)).toEqual({
      registered: true,
      consents: [consentKey('assistance'), consentKey('sharing', 'org-b')].sort(),
      caseStatus: 'open',
      pendingReferrals: ['R1'],
    });
  });

  it('remembers every event id with its type, and which are entered in error', () => {
    const registration = personRegistered();
    const contactLost = recorded('ContactLost', {});
    const error = recorded('EnteredInError', { targetEventId: contactLost.eventId, reason: 'wrong person' });
    const state = given(registration, contactLost, error);
    expect([...state.events].map(([id, { type }]) => [id, type])).toEqual([
      [registration.eventId, 'PersonRegistered'],
      [contactLost.eventId, 'ContactLost'],
      [error.eventId, 'EnteredInError'],
    ]);
    expect([...state.enteredInError]).toEqual([contactLost.eventId]);
  });

  it('no longer counts a consent entered in error', () => {
    const consent = recorded('ConsentGranted', { scope: 'assistance' });
    const state = given(personRegistered(), consent, recorded('EnteredInError', { targetEventId: consent.eventId, reason: 'recorded for the wrong person' }));
    expect(state.consents.has(consentKey('assistance'))).toBe(false);
  });

  it('counts a corrected event with its corrected data, and with the original again once the correction is entered in error', () => {
    const consent = recorded('ConsentGranted', { scope: 'research' });
    const correction = recorded('EventCorrected', {
      targetEventId: consent.eventId,
      reason: 'wrong scope ticked',
      correctedData: { scope: 'assistance' },
    });
    const corrected = given(personRegistered(), consent, correction);
    expect([...corrected.consents]).toEqual(['assistance']);
    const reverted = evolve(corrected, recorded('EnteredInError', { targetEventId: correction.eventId, reason: 'x' }));
    expect([...reverted.consents]).toEqual(['research']);
  });

  it('derives, after any events are entered in error, what it derives from the journey without them', () => {
    fc.assert(
      fc.property(journey, fc.array(fc.boolean(), { minLength: 26, maxLength: 26 }), (facts, inError) => {
        const erroneous = facts.filter((_, i) => i > 0 && inError[i]);
        const errors = erroneous.map((target) => recorded('EnteredInError', { targetEventId: target.eventId, reason: 'x' }));
        const kept = facts.filter((fact) => !erroneous.includes(fact));
        expect(derived(given(...facts, ...errors))).toEqual(derived(given(...kept)));
      }),
    );
  });

  it('derives, after an event is corrected, what it derives had the event been recorded right', () => {
    fc.assert(
      fc.property(journey, fc.nat(), ruleRelevantEvent, (facts, pick, replacement) => {
        const candidates = facts.slice(1).filter((fact) => fact.type === replacement.type);
        fc.pre(candidates.length > 0);
        const target = candidates[pick % candidates.length];
        const correction = recorded('EventCorrected', {
          targetEventId: target.eventId,
          reason: 'x',
          correctedData: replacement.data as Record<string, unknown>,
        });
        const recordedRight = facts.map((fact) => (fact === target ? ({ ...fact, data: replacement.data } as RecordedJourneyEvent) : fact));
        expect(derived(given(...facts, correction))).toEqual(derived(given(...recordedRight)));
      }),
    );
  });
});
