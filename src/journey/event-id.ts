import { createHash } from 'node:crypto';

/**
 * A name-based UUID (RFC 9562 version 5: SHA-1 over a fixed namespace and the name). Used where a retry must produce
 * the same event id as the first attempt (Idempotency-Key, import lines without an eventId), so the event store's
 * idempotence turns the retry into a no-op.
 */
export function nameBasedUuid(...nameParts: string[]): string {
  const hash = createHash('sha1').update(JOURNEY_LEDGER_NAMESPACE).update(nameParts.join('\u001f')).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

// Random bytes fixed once for this product; changing them would change every derived id.
const JOURNEY_LEDGER_NAMESPACE = Buffer.from('6f1d2b0ec43a4f9c9d7e5a2b81c0f3a7', 'hex');
