import type { EventStore, RecordedEvent } from '../event-store/event-store';
import { isRecordedJourneyEvent, journeyDecider, type JourneyState } from './domain';

/** One stream per person, named by a random UUID: never a name, never anything identifying. */
export function journeyStreamId(personId: string): string {
  return `journey-${personId}`;
}

export const JOURNEY_STREAM_PREFIX = 'journey-';

export interface LoadedJourney {
  state: JourneyState;
  /** Revision of the last event, -1 when the person has no stream. */
  revision: number;
  events: RecordedEvent[];
}

/** Reads a person's stream and folds it into the state the rules decide on. */
export async function loadJourney(store: EventStore, personId: string): Promise<LoadedJourney> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readStream(journeyStreamId(personId))) events.push(event);
  return {
    state: events.filter(isRecordedJourneyEvent).reduce(journeyDecider.evolve, journeyDecider.initialState),
    revision: events.length === 0 ? -1 : events[events.length - 1].streamRevision,
    events,
  };
}
