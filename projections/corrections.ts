import type { JourneyEventData } from '../src/journey/domain/events';

/** The least of an event that corrections need; generic so it works on raw and on upcast events. */
interface Fact {
  eventId: string;
  type: string;
  recordedAt: string;
  data: Record<string, unknown>;
}

export function isCorrection(event: { type: string }): boolean {
  return event.type === 'EnteredInError' || event.type === 'EventCorrected';
}

/**
 * A person's history as it should be read: events entered in error are gone, corrected events carry their
 * corrected data (in the target's own schema version) and the `recordedAt` of the correction, when the system
 * learned it; the corrections themselves are left out. A correction can itself be entered in error, which undoes
 * it. The log keeps every original event: this is only how derived views read it.
 */
export function effectiveHistory<E extends Fact>(events: readonly E[]): E[] {
  // A correction only ever targets an earlier event, so walking backwards sees every voiding before its target,
  // and the latest correction of an event first.
  const voided = new Set<string>();
  const corrections = new Map<string, E>();
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const event = events[index];
    if (voided.has(event.eventId)) continue;
    if (event.type === 'EnteredInError') {
      voided.add((event.data as JourneyEventData['EnteredInError']).targetEventId);
    } else if (event.type === 'EventCorrected') {
      const { targetEventId } = event.data as JourneyEventData['EventCorrected'];
      if (!corrections.has(targetEventId)) corrections.set(targetEventId, event);
    }
  }
  const effective: E[] = [];
  for (const event of events) {
    if (voided.has(event.eventId) || isCorrection(event)) continue;
    const correction = corrections.get(event.eventId);
    if (!correction) {
      effective.push(event);
      continue;
    }
    const { correctedData } = correction.data as JourneyEventData['EventCorrected'];
    effective.push({ ...event, data: correctedData, recordedAt: correction.recordedAt });
  }
  return effective;
}
