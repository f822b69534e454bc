import { correctedTypeOf, decide, type JourneyCommand, type JourneyEvent, type JourneyState } from './domain';
import { validateCorrectedData, type FieldError } from './event-data';

/**
 * `decide`, plus the check of a command's data that only the journey can make: a correction's data must be valid
 * for the type of the event it corrects (known once decide has found the target). Used by the API and the import alike.
 */
export function decideFact(fact: JourneyCommand, state: JourneyState): { events: JourneyEvent[] } | { errors: FieldError[] } {
  const events = decide(fact, state);
  const correctedType = correctedTypeOf(fact, (eventId) => state.events.get(eventId)?.type);
  if (fact.type === 'EventCorrected') {
    const errors = correctedType ? validateCorrectedData(correctedType, fact.data.correctedData) : [];
    if (errors.length > 0) return { errors };
  }
  return { events };
}
