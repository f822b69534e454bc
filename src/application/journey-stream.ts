import type { EventStore, RecordedEvent } from '../event-store/event-store';
import { isRecordedJourneyEvent, journeyDecider, type JourneyState } from '../journey/domain';

/** One stream per person, named by a random UUID: never a name, never anything identifying. */
export function journeyStreamId(personId: string): string {
  return `journey-${personId}`;
}

export interface LoadedJourney {
  state: JourneyState;
  /** Revision of the last event, -1 when the person has no stream. */
  revision: number;
  events: RecordedEvent[];
}

/** A person's stored events folded into the state the rules decide on (the API and the import fold alike). */
export function foldJourney(events: readonly RecordedEvent[]): JourneyState {
  return events.filter(isRecordedJourneyEvent).reduce(journeyDecider.evolve, journeyDecider.initialState);
}

/** Reads a person's stream and folds it. */
export async function loadJourney(store: EventStore, personId: string): Promise<LoadedJourney> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readStream(journeyStreamId(personId))) events.push(event);
  return { state: foldJourney(events), revision: events.length === 0 ? -1 : events[events.length - 1].streamRevision, events };
}
