/**
 * Free text that a person types (a reason, a goal) can name people, places and phone numbers. It is stored sealed
 * under the person's data key, as personal data is, so that erasure leaves it unreadable, and none is recorded
 * after an erasure. The validation of each such field (event-data/, the `Text` field) is checked against this list
 * by a spec, so a free-text field added there without being listed here fails the build's tests.
 */
import { isJourneyEventType, type JourneyEventType } from './events';

/**
 * Where each type's data holds free text: a field name, `.` into an object, `[]` for each element of an array.
 * An EventCorrected's `correctedData` also holds the free text of its target's type.
 */
const FREE_TEXT_FIELDS: { readonly [T in JourneyEventType]?: readonly string[] } = {
  CaseTransferred: ['reason'],
  CaseReopened: ['reason'],
  ReintegrationPlanAgreed: ['goals[].goal'],
  AssistanceDeclined: ['reason'],
  EnteredInError: ['reason'],
  EventCorrected: ['reason'],
};

/** The free-text fields of one type, as FREE_TEXT_FIELDS writes them (for the spec that checks the validators). */
export function freeTextFieldsOf(type: JourneyEventType): readonly string[] {
  return FREE_TEXT_FIELDS[type] ?? [];
}

/** Replaces one free-text value: `path` names it as the API does (`reason`, `goals[0].goal`, `correctedData.reason`). */
export type FreeTextRewrite = (value: unknown, path: string) => unknown;

/**
 * A copy of an event's data with each free-text value replaced by `rewrite(value, path)`. `correctedType` is the
 * type of the event an EventCorrected corrects: its `correctedData` has that type's free-text fields.
 */
export function mapFreeText<D extends object>(type: JourneyEventType, data: D, rewrite: FreeTextRewrite, correctedType?: JourneyEventType): D {
  let mapped: unknown = data;
  for (const field of freeTextFieldsOf(type)) mapped = mapField(mapped, field.split('.'), rewrite, '');
  if (type === 'EventCorrected' && correctedType) {
    const corrected = (mapped as { correctedData?: unknown }).correctedData;
    let correctedData = corrected;
    for (const field of freeTextFieldsOf(correctedType)) correctedData = mapField(correctedData, field.split('.'), rewrite, 'correctedData.');
    if (correctedData !== corrected) mapped = { ...(mapped as object), correctedData };
  }
  return mapped as D;
}

/** Whether an event's data holds any free text (nested and corrected data included). */
export function holdsFreeText(type: JourneyEventType, data: object, correctedType?: JourneyEventType): boolean {
  let found = false;
  mapFreeText(type, data, (value) => ((found = true), value), correctedType);
  return found;
}

/** The type of the event an EventCorrected corrects, when `typeOf` (the journey's events) knows it. */
export function correctedTypeOf(event: { type: string; data: object }, typeOf: (eventId: string) => string | undefined): JourneyEventType | undefined {
  if (event.type !== 'EventCorrected') return undefined;
  const type = typeOf(String((event.data as { targetEventId?: unknown }).targetEventId));
  return type !== undefined && isJourneyEventType(type) ? type : undefined;
}

/** `value` with the field at `segments` rewritten; the same object when it has no such field. */
function mapField(value: unknown, segments: readonly string[], rewrite: FreeTextRewrite, prefix: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const [segment, ...rest] = segments;
  const each = segment.endsWith('[]');
  const field = each ? segment.slice(0, -2) : segment;
  const item = (value as Record<string, unknown>)[field];
  if (item === undefined) return value;
  const path = `${prefix}${field}`;
  let mapped: unknown;
  if (rest.length === 0) mapped = rewrite(item, path);
  else if (each && Array.isArray(item)) mapped = item.map((element, index) => mapField(element, rest, rewrite, `${path}[${index}].`));
  else mapped = mapField(item, rest, rewrite, `${path}.`);
  return { ...value, [field]: mapped };
}
