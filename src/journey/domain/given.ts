/** Given/when/then support for the domain's specs: recorded facts with predictable ids, commands, rule codes. */
import { JourneyEventData, JourneyEventType } from './events';
import { RecordFact, decide } from './decide';
import { JourneyRuleViolation } from './rule-violation';
import { evolve, initialJourneyState, JourneyFact, JourneyState } from './state';

let lastId = 0;

export function nextEventId(): string {
  lastId += 1;
  return `00000000-0000-4000-8000-${lastId.toString(16).padStart(12, '0')}`;
}

export function recorded<T extends JourneyEventType>(
  type: T,
  data: JourneyEventData[T],
  eventId = nextEventId(),
  organisationId = 'org-a',
): JourneyFact {
  return { eventId, type, occurredAt: '2024-03-01', data, metadata: { organisationId } };
}

export function given(...facts: JourneyFact[]): JourneyState {
  return facts.reduce(evolve, initialJourneyState);
}

/** A command recorded by org-a (who registers persons in these specs) unless another organisation is named. */
export function command<T extends JourneyEventType>(type: T, data: JourneyEventData[T], organisationId = 'org-a'): RecordFact {
  return { type, data, occurredAt: '2024-03-01', organisationId } as RecordFact;
}

/** The rule `decide` says the command breaks, or undefined when it is accepted. */
export function ruleBrokenBy(when: RecordFact, state: JourneyState): string | undefined {
  try {
    decide(when, state);
    return undefined;
  } catch (error) {
    if (error instanceof JourneyRuleViolation) return error.rule;
    throw error;
  }
}

export const personRegistered = (): JourneyFact =>
  recorded('PersonRegistered', { gender: 'female', birthYear: 1990, citizenship: 'NG' });
