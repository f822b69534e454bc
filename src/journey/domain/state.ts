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
}

export type CaseStatus = 'none' | 'open' | 'closed';

export interface JourneyState {
  registered: boolean;
  /** Every event of the stream by id (in stream order), with its data as recorded. */
  events: ReadonlyMap<string, { type: string; data: object }>;
  /** Ids of the events entered in error. */
  enteredInError: ReadonlySet<string>;
  /** Active consents: `scope`, or `sharing:<organisationId>` for sharing (see consentKey). */
  consents: ReadonlySet<string>;
  caseStatus: CaseStatus;
  /** Referral ids made and not yet resolved. */
  pendingReferrals: ReadonlySet<string>;
}

export const initialJourneyState: JourneyState = {
  registered: false,
  events: new Map(),
  enteredInError: new Set(),
  consents: new Set(),
  caseStatus: 'none',
  pendingReferrals: new Set(),
};

/** Sharing consent is given per organisation; every other scope is given once. */
export function consentKey(scope: ConsentScope, organisationId?: string): string {
  return scope === 'sharing' ? `sharing:${organisationId ?? ''}` : scope;
}

type Derived = Pick<JourneyState, 'registered' | 'consents' | 'caseStatus' | 'pendingReferrals'>;

const NOTHING_DERIVED: Derived = {
  registered: false,
  consents: new Set(),
  caseStatus: 'none',
  pendingReferrals: new Set(),
};

export function evolve(state: JourneyState, event: JourneyFact): JourneyState {
  const events = new Map(state.events).set(event.eventId, { type: event.type, data: event.data });
  if (event.type === 'EnteredInError' || event.type === 'EventCorrected') {
    // A correction can change what any earlier event meant, so the derived picture is folded again.
    const enteredInError = enteredInErrorOf(events);
    return { ...derive(events, enteredInError), events, enteredInError };
  }
  return { ...state, ...apply(state, event.type, event.data), events };
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
  for (const [eventId, { type, data }] of events) {
    if (!enteredInError.has(eventId)) derived = apply(derived, type, corrected.get(eventId) ?? data);
  }
  return derived;
}

/** One event's effect on what the rules need; event types the rules do not look at change nothing. */
function apply(derived: Derived, type: string, data: object): Derived {
  switch (type) {
    case 'PersonRegistered':
      return { ...derived, registered: true };
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
