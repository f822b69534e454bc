/**
 * The one validation of events' data, shared by the HTTP API and the bulk import: known type, right types, required
 * fields present, no unknown field (rejected by name, never silently dropped), and no control character outside free
 * text.
 */
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { type DataOf, isJourneyEventType, type JourneyEventType } from '../domain/events';
import { FREE_TEXT_CHARACTERS, isFreeTextString, isPlainString, KEY_CHARACTERS } from './characters';
import { EVENT_DATA } from './registry';

export interface FieldError {
  /** Path in the event (or the request), e.g. `type`, `data.scope`, `data.goals[0].domain`. */
  field: string;
  reason: string;
}

export type ParsedEventData =
  ({ ok: true } & { [T in JourneyEventType]: { type: T; data: DataOf<T> } }[JourneyEventType]) | { ok: false; errors: FieldError[] };

export function parseEventData(type: unknown, data: unknown): ParsedEventData {
  if (typeof type !== 'string' || !isJourneyEventType(type)) {
    return { ok: false, errors: [{ field: 'type', reason: 'must be a journey event type' }] };
  }
  const errors = dataErrors(type, data, 'data');
  return errors.length > 0 ? { ok: false, errors } : ({ ok: true, type, data } as ParsedEventData);
}

/** The errors of an event's data; empty when it is valid. */
export function validateEventData(type: unknown, data: unknown): FieldError[] {
  const parsed = parseEventData(type, data);
  return parsed.ok ? [] : parsed.errors;
}

/**
 * The errors of EventCorrected's correctedData, checked against the type of the event it corrects (which only the
 * person's journey knows: the write path looks it up and calls this).
 */
export function validateCorrectedData(targetType: string, correctedData: unknown): FieldError[] {
  if (!isJourneyEventType(targetType)) {
    return [{ field: 'data.targetEventId', reason: 'must name an event of a known type' }];
  }
  return dataErrors(targetType, correctedData, 'data.correctedData');
}

function dataErrors(type: JourneyEventType, data: unknown, path: string): FieldError[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return [{ field: path, reason: 'must be an object' }];
  const instance = plainToInstance(EVENT_DATA[type], withoutRefusedKeys(data));
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    // Events without fields (ContactLost...) have no validation metadata and are still valid when empty.
    forbidUnknownValues: false,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
  });
  const reported = errors.flatMap((error) => fieldErrors(error, path));
  // A finding inside a field already refused (an unknown one, say) is that field's error, not another.
  const unreported = refusedContent(data, path).filter(
    ({ field }) => !reported.some((error) => field === error.field || field.startsWith(`${error.field}.`) || field.startsWith(`${error.field}[`)),
  );
  return [...reported, ...unreported];
}

/** Below the top (always an object), a numeric property is an array element: `goals[0].domain`. */
function fieldErrors(error: ValidationError, parent: string, top = true): FieldError[] {
  const field = !top && /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
  const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
  return [...own, ...(error.children ?? []).flatMap((child) => fieldErrors(child, field, false))];
}

/**
 * Keys the validators must not see: named like Object.prototype members (`__proto__`, `constructor`, `toString`...),
 * which slip past class-transformer and class-validator's whitelist as they look them up on plain objects; and keys
 * holding control characters, which an error naming them would echo. refusedContent names both.
 */
function isRefusedKey(key: string): boolean {
  return key in Object.prototype || !isPlainString(key);
}

function withoutRefusedKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(withoutRefusedKeys);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !isRefusedKey(key))
      .map(([key, item]) => [key, withoutRefusedKeys(item)]),
  );
}

/**
 * The floor under every field's own rules, over the whole data (objects of any shape, such as a correction's
 * `correctedData`, included): member-named keys by name, keys with control characters by the object holding them
 * (never echoing the key), and any string that even free text could not hold (U+0000 and lone surrogates among them,
 * which PostgreSQL refuses in a read model).
 */
function refusedContent(value: unknown, path: string): FieldError[] {
  if (typeof value === 'string') return isFreeTextString(value) ? [] : [{ field: path, reason: FREE_TEXT_CHARACTERS }];
  if (typeof value !== 'object' || value === null) return [];
  const entries = Object.entries(value);
  const badKeys = entries.some(([key]) => !isPlainString(key)) ? [{ field: path, reason: KEY_CHARACTERS }] : [];
  return [
    ...badKeys,
    ...entries
      .filter(([key]) => isPlainString(key))
      .flatMap(([key, item]) => {
        const field = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
        return key in Object.prototype ? [{ field, reason: `property ${key} should not exist` }] : refusedContent(item, field);
      }),
  ];
}
