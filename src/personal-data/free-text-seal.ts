import { Injectable } from '@nestjs/common';
import type { RecordedEvent } from '../event-store/event-store';
import { correctedTypeOf, holdsFreeText, isJourneyEventType, mapFreeText, type Ciphertext, type JourneyEventType, type JourneyState } from '../journey/domain';
import { openFreeText, sealFreeText } from './field-cipher';
import { PersonKeys } from './person-keys';

/** What a reader sees of free text whose key was destroyed by an erasure. */
export const ERASED_TEXT = { erased: true } as const;

interface EventToSeal {
  eventId: string;
  type: JourneyEventType;
  data: object;
}

/**
 * Free text that a person types (reasons, goals) is stored only as ciphertext under the person's data key, as
 * their personal data is: the audit export and every copy of the log hold ciphertext, and erasure, by destroying
 * the key, leaves nothing readable.
 */
@Injectable()
export class FreeTextSeal {
  constructor(private readonly keys: PersonKeys) {}

  /** The event's data with its free text sealed (the person's key is made on first use); as it was without free text. */
  async seal(personId: string, { eventId, type, data }: EventToSeal, journey: JourneyState): Promise<object> {
    const correctedType = correctedTypeOf({ type, data }, (eventId) => journey.events.get(eventId)?.type);
    if (!holdsFreeText(type, data, correctedType)) return data;
    const { key } = await this.keys.forWriting(personId);
    const seal = (value: unknown, path: string) => (typeof value === 'string' ? sealFreeText(key, personId, eventId, path, value) : value);
    return mapFreeText(type, data, seal, correctedType);
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

function isCiphertext(value: unknown): value is Ciphertext {
  if (typeof value !== 'object' || value === null) return false;
  const { ciphertext, iv, tag } = value as Record<string, unknown>;
  return typeof ciphertext === 'string' && typeof iv === 'string' && typeof tag === 'string';
}
