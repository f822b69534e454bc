import { Injectable } from '@nestjs/common';
import type { RecordedEvent } from '../event-store/event-store';
import {
  correctedTypeOf,
  holdsFreeText,
  isJourneyEventType,
  mapFreeText,
  type Ciphertext,
  type JourneyEvent,
  type JourneyState,
  type PersonalValue,
} from '../journey/domain';
import { encryptField, openFreeText, sealFreeText } from './field-cipher';
import { PersonKeys } from './person-keys';

/** What a reader sees of free text whose key was destroyed by an erasure. */
export const ERASED_TEXT = { erased: true } as const;

/** An event as decided, with the id it is stored under. */
export type EventToSeal = JourneyEvent & { eventId: string };

/**
 * What of an event is about the person as a person (personal data fields, and free text that a person types:
 * reasons, goals) is stored only as ciphertext under the person's data key: the audit export and every copy of the
 * log hold ciphertext, and erasure, by destroying the key, leaves nothing readable.
 */
@Injectable()
export class PersonalDataSeal {
  constructor(private readonly keys: PersonKeys) {}

  /**
   * The event's data as it is stored: personal data fields encrypted, free text sealed (the person's key is made on
   * first use, and refused once their data was erased); as it was when it holds neither.
   */
  async seal(personId: string, event: EventToSeal, journey: JourneyState): Promise<Record<string, unknown>> {
    if (event.type === 'PersonalDataRecorded') {
      const { keyId, key } = await this.keys.forWriting(personId);
      const encrypt = ([field, value]: [string, PersonalValue]) => [field, typeof value === 'string' ? encryptField(key, personId, field, value) : value];
      return { fields: Object.fromEntries(Object.entries(event.data.fields).map(encrypt)), keyId };
    }
    const correctedType = correctedTypeOf(event, (eventId) => journey.events.get(eventId)?.type);
    if (!holdsFreeText(event.type, event.data, correctedType)) return event.data;
    const { key } = await this.keys.forWriting(personId);
    const seal = (value: unknown, path: string) => (typeof value === 'string' ? sealFreeText(key, personId, event.eventId, path, value) : value);
    return mapFreeText(event.type, event.data, seal, correctedType);
  }

  /**
   * A person's events as those allowed to read them see them: sealed free text in plain text, or `{erased: true}`
   * once the key is destroyed. Text written before free text was sealed is shown as it was written.
   */
  async open(personId: string, events: readonly RecordedEvent[]): Promise<RecordedEvent[]> {
    const typeOf = new Map(events.map((event) => [event.eventId, event.type]));
    let dataKey: Promise<Buffer | undefined> | undefined;
    const opened: RecordedEvent[] = [];
    for (const event of events) {
      if (!isJourneyEventType(event.type)) {
        opened.push(event);
        continue;
      }
      const correctedType = correctedTypeOf(event, (eventId) => typeOf.get(eventId));
      if (!holdsFreeText(event.type, event.data, correctedType)) {
        opened.push(event);
        continue;
      }
      dataKey ??= this.keys.forReading(personId).then((found) => found?.key);
      const key = await dataKey;
      const open = (value: unknown, path: string) => {
        if (!isCiphertext(value)) return value;
        return key ? openFreeText(key, personId, event.eventId, path, value) : ERASED_TEXT;
      };
      opened.push({ ...event, data: mapFreeText(event.type, event.data, open, correctedType) });
    }
    return opened;
  }
}

export function isCiphertext(value: unknown): value is Ciphertext {
  if (typeof value !== 'object' || value === null) return false;
  const { ciphertext, iv, tag } = value as Record<string, unknown>;
  return typeof ciphertext === 'string' && typeof iv === 'string' && typeof tag === 'string';
}
