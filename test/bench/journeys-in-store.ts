import type { NewEvent } from '../../src/event-store/event-store';
import type { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { nameBasedUuid } from '../../src/journey/event-id';
import { journeyOf } from '../support/generate';

export interface JourneysInStore {
  persons: number;
  eventsPerPerson: number;
  seed?: number;
  /** Persons per appendMany transaction. Default 250. */
  personsPerAppend?: number;
}

/**
 * Appends generated journeys (test/support/generate.ts) straight into the store, many persons per transaction.
 * Every 10th person has a fact entered in error and every 7th a corrected closure, so read models built from
 * this log exercise corrections; each person still has exactly `eventsPerPerson` events.
 */
export async function appendJourneys(store: PostgresEventStore, options: JourneysInStore): Promise<{ events: number; personIds: string[] }> {
  const seed = options.seed ?? 1;
  const chunk = options.personsPerAppend ?? 250;
  const personIds: string[] = [];
  let events = 0;
  for (let first = 0; first < options.persons; first += chunk) {
    const appends = [];
    for (let person = first; person < Math.min(options.persons, first + chunk); person += 1) {
      const journey = journeyEvents(person, options.eventsPerPerson, seed);
      personIds.push(journey.personId);
      appends.push({ streamId: `journey-${journey.personId}`, events: journey.events, expected: 'no_stream' as const });
      events += journey.events.length;
    }
    await store.appendMany(appends);
  }
  return { events, personIds };
}

function journeyEvents(person: number, count: number, seed: number): { personId: string; events: NewEvent[] } {
  const corrections = (person % 10 === 0 ? 1 : 0) + (person % 7 === 0 ? 1 : 0);
  const lines = journeyOf(person, count - corrections, seed);
  const events: NewEvent[] = lines.map((line, index) => ({
    eventId: nameBasedUuid('generated-event', String(seed), String(person), String(index)),
    type: line.type,
    schemaVersion: 1,
    occurredAt: line.occurredAt,
    data: line.data,
    metadata: { actor: 'generator', organisationId: line.organisationId, correlationId: line.personId, causationId: null },
  }));
  const last = events[events.length - 1]!;
  const correction = (type: string, data: Record<string, unknown>, index: number): NewEvent => ({
    ...last,
    eventId: nameBasedUuid('generated-correction', String(seed), String(person), String(index)),
    type,
    data,
  });
  if (person % 10 === 0) events.push(correction('EnteredInError', { targetEventId: events[3]!.eventId, reason: 'recorded for the wrong person' }, 0));
  if (person % 7 === 0) {
    events.push(correction('EventCorrected', { targetEventId: last.eventId, reason: 'closure reason misread', correctedData: { reason: 'goals_met' } }, 1));
  }
  return { personId: lines[0]!.personId, events };
}
