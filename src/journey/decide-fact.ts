import { decide, type JourneyEvent, type JourneyState, type RecordFact } from './domain';
import { validateCorrectedData, type FieldError } from './facts';

/**
 * `decide`, plus the one check the pure rules cannot make alone: a correction's data must be valid for the type of
 * the event it corrects, which is known only once decide has found the target. Used by the API and the import alike.
 */
export function decideFact(fact: RecordFact, state: JourneyState): { events: JourneyEvent[] } | { errors: FieldError[] } {
  const events = decide(fact, state);
  if (fact.type === 'EventCorrected') {
    const target = state.events.get(fact.data.targetEventId);
    const errors = target ? validateCorrectedData(target.type, fact.data.correctedData) : [];
    if (errors.length > 0) return { errors };
  }
  return { events };
}
