/** Given/when/then support for the domain's specs: recorded events with predictable ids, commands, rule codes. */
import {
  journeyDecider,
  JourneyRuleViolation,
  type CommandOf,
  type JourneyCommand,
  type JourneyEventData,
  type JourneyEventType,
  type JourneyState,
  type RecordedJourneyEvent,
} from '../../src/journey/domain';

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
): RecordedJourneyEvent {
  return { eventId, type, occurredAt: '2024-03-01', data, metadata: { organisationId } } as RecordedJourneyEvent;
}

export function given(...events: RecordedJourneyEvent[]): JourneyState {
  return events.reduce(journeyDecider.evolve, journeyDecider.initialState);
}

/** A command recorded by org-a (who registers persons in these specs) unless another organisation is named. */
export function command<T extends JourneyEventType>(type: T, data: JourneyEventData[T], organisationId = 'org-a'): CommandOf<T> {
  return { type, data, occurredAt: '2024-03-01', organisationId } as CommandOf<T>;
}

/** The rule `decide` says the command breaks, or undefined when it is accepted. */
export function ruleBrokenBy(when: JourneyCommand, state: JourneyState): string | undefined {
  try {
    journeyDecider.decide(when, state);
    return undefined;
  } catch (error) {
    if (error instanceof JourneyRuleViolation) return error.rule;
    throw error;
  }
}

export const personRegistered = (): RecordedJourneyEvent => recorded('PersonRegistered', { gender: 'female', birthYear: 1990, citizenship: 'NG' });
