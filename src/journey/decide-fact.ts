import { decide, isJourneyEventType, JourneyRuleViolation, type JourneyEventType, type JourneyEvent, type JourneyState, type RecordFact } from './domain';
import { holdsFreeText, validateCorrectedData, type FieldError } from './facts';

/**
 * `decide`, plus the checks the pure rules cannot make alone, because they need to know the facts' fields: a
 * correction's data must be valid for the type of the event it corrects (known once decide has found the target),
 * and no free text is recorded about a person whose personal data was erased (it would be readable again). Used by
 * the API and the import alike.
 */
export function decideFact(fact: RecordFact, state: JourneyState): { events: JourneyEvent[] } | { errors: FieldError[] } {
  const events = decide(fact, state);
  const correctedType = correctedTypeOf(fact, (eventId) => state.events.get(eventId)?.type);
  if (fact.type === 'EventCorrected') {
    const errors = correctedType ? validateCorrectedData(correctedType, fact.data.correctedData) : [];
    if (errors.length > 0) return { errors };
  }
  if (state.personalDataErased && holdsFreeText(fact.type, fact.data, correctedType)) {
    throw new JourneyRuleViolation(
      'personal_data_erased',
      "The person's personal data was erased: record this without free text",
    );
  }
  return { events };
}

/** The type of the event an EventCorrected corrects, when `typeOf` (the journey's events) knows it. */
export function correctedTypeOf(
  fact: { type: string; data: object },
  typeOf: (eventId: string) => string | undefined,
): JourneyEventType | undefined {
  if (fact.type !== 'EventCorrected') return undefined;
  const type = typeOf(String((fact.data as { targetEventId?: unknown }).targetEventId));
  return type !== undefined && isJourneyEventType(type) ? type : undefined;
}
