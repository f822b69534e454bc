/**
 * What the rules need to know about one person's journey, folded from their stream. Corrections are honoured:
 * an event entered in error counts for nothing, a corrected event counts with its corrected data.
 */
import { ConsentScope } from './vocabulary';
import { JourneyEventData } from './events';

/** The least of a recorded event that evolve needs; the event store's RecordedEvent satisfies it. */
export interface JourneyFact {
  eventId: string;
  type: string;
  occurredAt: string;
  data: object;
  /** The organisation that recorded it: the one that registers a person holds their case. */
  metadata?: { organisationId?: string };
}

/** An event of the stream as the rules remember it. */
interface RememberedEvent {
  type: string;
  data: object;
  recordedBy?: string;
}

export type CaseStatus = 'none' | 'open' | 'closed';

export interface JourneyState {
  registered: boolean;
  /** Every event of the stream by id (in stream order), with its data as recorded. */
  events: ReadonlyMap<string, RememberedEvent>;
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

export const initialJourneyState: JourneyState = { ...NOTHING_DERIVED, events: new Map(), enteredInError: new Set() };

/** Sharing consent is given per organisation; every other scope is given once. */
export function consentKey(scope: ConsentScope, organisationId?: string): string {
  return scope === 'sharing' ? `sharing:${organisationId ?? ''}` : scope;
}

/**
 * Whether an organisation may see and record a person's journey: it holds the case, or the person consents to
 * sharing with it, or an override basis for sharing with it is recorded. Withdrawing the consent ends it at once.
 */
export function mayAccess(state: JourneyState, organisationId: string): boolean {
  return (
    state.organisationId === organisationId ||
    state.consents.has(consentKey('sharing', organisationId)) ||
    state.sharingOverrides.has(organisationId)
  );
}


export function evolve(state: JourneyState, event: JourneyFact): JourneyState {
  const remembered = { type: event.type, data: event.data, recordedBy: event.metadata?.organisationId };
  const events = new Map(state.events).set(event.eventId, remembered);
  if (event.type === 'EnteredInError' || event.type === 'EventCorrected') {
    // A correction can change what any earlier event meant, so the derived picture is folded again.
    const enteredInError = enteredInErrorOf(events);
    return { ...derive(events, enteredInError), events, enteredInError };
  }
  return { ...state, ...apply(state, remembered), events };
}

function enteredInErrorOf(events: JourneyState['events']): Set<string> {
  const ids = new Set<string>();
  for (const { type, data } of events.values()) {
    if (type === 'EnteredInError') ids.add((data as JourneyEventData['EnteredInError']).targetEventId);
  }
  return ids;
}

function derive(events: JourneyState['events'], enteredInError: ReadonlySet<string>): Derived {
  const corrected = new Map<string, object>();
  for (const [eventId, { type, data }] of events) {
    if (type === 'EventCorrected' && !enteredInError.has(eventId)) {
      const { targetEventId, correctedData } = data as JourneyEventData['EventCorrected'];
      corrected.set(targetEventId, correctedData);
    }
  }
  let derived = NOTHING_DERIVED;
  for (const [eventId, event] of events) {
    if (!enteredInError.has(eventId)) derived = apply(derived, { ...event, data: corrected.get(eventId) ?? event.data });
  }
  return derived;
}

/** Facts that decide who may see the case: they count only when the organisation holding it recorded them. */
const SHARING_DECISIONS: ReadonlySet<string> = new Set(['ConsentGranted', 'ConsentWithdrawn', 'SharingOverrideRecorded', 'CaseTransferred']);

/** One event's effect on what the rules need; event types the rules do not look at change nothing. */
function apply(derived: Derived, { type, data, recordedBy }: RememberedEvent): Derived {
  // Logs written before the holding organisation alone could record these may hold some made by another one
  // (an override for itself, a transfer to itself): they never widen access.
  if (SHARING_DECISIONS.has(type) && recordedBy !== undefined && recordedBy !== derived.organisationId) return derived;
  switch (type) {
    case 'PersonRegistered':
      return { ...derived, registered: true, organisationId: recordedBy };
    case 'CaseTransferred':
      return { ...derived, organisationId: (data as JourneyEventData['CaseTransferred']).toOrganisationId };
    case 'SharingOverrideRecorded': {
      const { organisationId } = data as JourneyEventData['SharingOverrideRecorded'];
      if (organisationId === recordedBy) return derived;
      return { ...derived, sharingOverrides: new Set(derived.sharingOverrides).add(organisationId) };
    }
    case 'PersonalDataErased':
      return { ...derived, personalDataErased: true };
    case 'ConsentGranted': {
      const { scope, organisationId } = data as JourneyEventData['ConsentGranted'];
      return { ...derived, consents: new Set(derived.consents).add(consentKey(scope, organisationId)) };
    }
    case 'ConsentWithdrawn': {
      const { scope, organisationId } = data as JourneyEventData['ConsentWithdrawn'];
      const consents = new Set(derived.consents);
      consents.delete(consentKey(scope, organisationId));
      return { ...derived, consents };
    }
    case 'CaseOpened':
    case 'CaseReopened':
      return { ...derived, caseStatus: 'open' };
    case 'CaseClosed':
      return { ...derived, caseStatus: 'closed' };
    case 'ReferralMade': {
      const { referralId } = data as JourneyEventData['ReferralMade'];
      return { ...derived, pendingReferrals: new Set(derived.pendingReferrals).add(referralId) };
    }
    case 'ReferralResolved': {
      const { referralId } = data as JourneyEventData['ReferralResolved'];
      const pendingReferrals = new Set(derived.pendingReferrals);
      pendingReferrals.delete(referralId);
      return { ...derived, pendingReferrals };
    }
    default:
      return derived;
  }
}
