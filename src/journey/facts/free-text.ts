/** Free text in an event's data, found by the event's type (see free-text-fields.ts for which fields are free text). */
import type { JourneyEventType } from '../domain/events';
import { mapFreeTextFields, type FreeTextRewrite } from './free-text-fields';
import { JOURNEY_FACTS } from './registry';

/**
 * A copy of an event's data with each free-text value replaced by `rewrite(value, path)`, the path as the API names
 * fields (`reason`, `goals[0].goal`, `correctedData.reason`). `correctedType` is the type of the event an
 * EventCorrected corrects: its `correctedData` has that type's free-text fields.
 */
export function mapFreeText<D extends object>(type: JourneyEventType, data: D, rewrite: FreeTextRewrite, correctedType?: JourneyEventType): D {
  const mapped = mapFreeTextFields(JOURNEY_FACTS[type].data, data, rewrite) as D & { correctedData?: unknown };
  if (type === 'EventCorrected' && correctedType) {
    mapped.correctedData = mapFreeTextFields(JOURNEY_FACTS[correctedType].data, mapped.correctedData, rewrite, 'correctedData.');
  }
  return mapped;
}

/** Whether an event's data holds any free text (nested and corrected data included). */
export function holdsFreeText(type: JourneyEventType, data: object, correctedType?: JourneyEventType): boolean {
  let found = false;
  mapFreeText(type, data, (value) => ((found = true), value), correctedType);
  return found;
}
