/**
 * What the rules need to know about one person's journey, folded from their stream. Corrections are honoured:
 * an event entered in error counts for nothing, a corrected event counts with its corrected data.
 */
import type { RecordedJourneyEvent } from './events';
import type { ConsentScope } from './vocabulary';

export type CaseStatus = 'none' | 'open' | 'closed';

export interface JourneyState {
  registered: boolean;
  /** Every event of the stream by id (in stream order), as recorded. */
  events: ReadonlyMap<string, RecordedJourneyEvent>;
  /** Ids of the events entered in error. */
  enteredInError: ReadonlySet<string>;
  /** Active consents: `scope`, or `sharing:<organisationId>` for sharing (see consentKey). */
  consents: ReadonlySet<string>;
  caseStatus: CaseStatus;
  /** Referral ids made and not yet resolved. */
  pendingReferrals: ReadonlySet<string>;
  /** The organisation holding the case: the one that registered the person, until a CaseTransferred moves it. */
  organisationId: string | undefined;
  /** Organisations the case may be shared with on a recorded override basis instead of consent. */
  sharingOverrides: ReadonlySet<string>;
  personalDataErased: boolean;
}

type Derived = Omit<JourneyState, 'events' | 'enteredInError'>;

const NOTHING_DERIVED: Derived = {
  registered: false,
  consents: new Set(),
  caseStatus: 'none',
  pendingReferrals: new Set(),
  organisationId: undefined,
  sharingOverrides: new Set(),
  personalDataErased: false,
};

export const initialState: JourneyState = { ...NOTHING_DERIVED, events: new Map(), enteredInError: new Set() };

/** Sharing consent is given per organisation; every other scope is given once. */
export function consentKey(scope: ConsentScope, organisationId?: string): string {
  return scope === 'sharing' ? `sharing:${organisationId ?? ''}` : scope;
}

/**
 * Whether an organisation may see and record a person's journey: it holds the case, or the person consents to
 * sharing with it, or an override basis for sharing with it is recorded. Withdrawing the consent ends it at once.
 */
export function mayAccess(state: JourneyState, organisationId: string): boolean {
  return state.organisationId === organisationId || state.consents.has(consentKey('sharing', organisationId)) || state.sharingOverrides.has(organisationId);
}

export function evolve(state: JourneyState, event: RecordedJourneyEvent): JourneyState {
  const events = new Map(state.events).set(event.eventId, event);
  if (event.type === 'EnteredInError' || event.type === 'EventCorrected') {
    // A correction can change what any earlier event meant, so the derived picture is folded again.
    const enteredInError = enteredInErrorOf(events);
    return { ...derive(events, enteredInError), events, enteredInError };
  }
  return { ...state, ...apply(state, event), events };
}

function enteredInErrorOf(events: JourneyState['events']): Set<string> {
  const ids = new Set<string>();
  for (const event of events.values()) {
    if (event.type === 'EnteredInError') ids.add(event.data.targetEventId);
  }
  return ids;
}

function derive(events: JourneyState['events'], enteredInError: ReadonlySet<string>): Derived {
  const corrected = new Map<string, Record<string, unknown>>();
  for (const [eventId, event] of events) {
    if (event.type === 'EventCorrected' && !enteredInError.has(eventId)) corrected.set(event.data.targetEventId, event.data.correctedData);
  }
  let derived = NOTHING_DERIVED;
  for (const [eventId, event] of events) {
    if (enteredInError.has(eventId)) continue;
    const correctedData = corrected.get(eventId);
    derived = apply(derived, correctedData ? withCorrectedData(event, correctedData) : event);
  }
  return derived;
}

/**
 * The event as it should have been recorded. Its corrected data was validated against the event's type when the
 * correction was recorded (the write path checks it), which is what lets it stand for the event's data here.
 */
function withCorrectedData(event: RecordedJourneyEvent, correctedData: Record<string, unknown>): RecordedJourneyEvent {
  return { ...event, data: correctedData } as RecordedJourneyEvent;
}

/** Events that decide who may see the case: they count only when the organisation holding it recorded them. */
const SHARING_DECISIONS: ReadonlySet<string> = new Set(['ConsentGranted', 'ConsentWithdrawn', 'SharingOverrideRecorded', 'CaseTransferred']);

/** One event's effect on what the rules need; event types the rules do not look at change nothing. */
function apply(derived: Derived, event: RecordedJourneyEvent): Derived {
  const recordedBy = event.metadata?.organisationId;
  // Logs written before the holding organisation alone could record these may hold some made by another one
  // (an override for itself, a transfer to itself): they never widen access.
  if (SHARING_DECISIONS.has(event.type) && recordedBy !== undefined && recordedBy !== derived.organisationId) return derived;
  switch (event.type) {
    case 'PersonRegistered':
      return { ...derived, registered: true, organisationId: recordedBy };
    case 'CaseTransferred':
      return { ...derived, organisationId: event.data.toOrganisationId };
    case 'SharingOverrideRecorded':
      if (event.data.organisationId === recordedBy) return derived;
      return { ...derived, sharingOverrides: new Set(derived.sharingOverrides).add(event.data.organisationId) };
    case 'PersonalDataErased':
      return { ...derived, personalDataErased: true };
    case 'ConsentGranted':
      return { ...derived, consents: new Set(derived.consents).add(consentKey(event.data.scope, event.data.organisationId)) };
    case 'ConsentWithdrawn': {
      const consents = new Set(derived.consents);
      consents.delete(consentKey(event.data.scope, event.data.organisationId));
      return { ...derived, consents };
    }
    case 'CaseOpened':
    case 'CaseReopened':
      return { ...derived, caseStatus: 'open' };
    case 'CaseClosed':
      return { ...derived, caseStatus: 'closed' };
    case 'ReferralMade':
      return { ...derived, pendingReferrals: new Set(derived.pendingReferrals).add(event.data.referralId) };
    case 'ReferralResolved': {
      const pendingReferrals = new Set(derived.pendingReferrals);
      pendingReferrals.delete(event.data.referralId);
      return { ...derived, pendingReferrals };
    }
    default:
      return derived;
  }
}
