import canonicalize from 'canonicalize';
import { isUtf8 } from 'node:buffer';
import { hash } from 'node:crypto';

/**
 * The fields an event's integrity covers: the envelope, with personal data and free text only as ciphertext. The
 * event store keeps exactly these (src/event-store/event-store.ts); what its metadata holds is the store's affair.
 */
export interface SealedEnvelope<Metadata = unknown> {
  /** UUID; appending the same id again at the same place is a no-op (idempotence). */
  eventId: string;
  streamId: string;
  /** 0-based, dense within the stream. */
  streamRevision: number;
  type: string;
  schemaVersion: number;
  /** When it happened in the world: `YYYY-MM-DD`, or `YYYY-MM` when only the month is known. */
  occurredAt: string;
  /** When the system learned it (server clock, ISO 8601 UTC with milliseconds). */
  recordedAt: string;
  data: Record<string, unknown>;
  metadata: Metadata;
  /** Hex SHA-256 of the canonical bytes of the stream's previous event; NO_PREVIOUS_HASH for its first. */
  prevEventHash: string;
}

/** What an event brings to its stream; sealing adds the stream, revision, time and chain. */
export type UnsealedEvent<Metadata = unknown> = Pick<SealedEnvelope<Metadata>, 'eventId' | 'type' | 'schemaVersion' | 'occurredAt' | 'data' | 'metadata'>;

export const NO_PREVIOUS_HASH = '0'.repeat(64);

/** RFC 8785 (JSON Canonicalization Scheme) bytes of the envelope: what is hashed, stored and exported. */
export function canonicalBytes(envelope: SealedEnvelope): Buffer {
  const { eventId, streamId, streamRevision, type, schemaVersion, occurredAt, recordedAt, data, metadata, prevEventHash } = envelope;
  const text = canonicalize({
    eventId,
    streamId,
    streamRevision,
    type,
    schemaVersion,
    occurredAt,
    recordedAt,
    data,
    metadata,
    prevEventHash,
  });
  if (text === undefined) throw new Error(`Event ${eventId} cannot be canonicalised`);
  return Buffer.from(text, 'utf8');
}

/**
 * The JSON value of `bytes`, and whether they are exactly its RFC 8785 form: what `canonicalBytes` would write for
 * it, byte for byte. Any other spelling of the same JSON is not: whitespace, key order, escapes, number forms, and
 * duplicate keys too, since JSON.parse keeps only the last of them. Undefined if the bytes are not JSON.
 */
export function parseCanonical(bytes: Buffer): { value: unknown; canonical: boolean } | undefined {
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  // Not UTF-8, the decoding replaced some bytes, and the text no longer stands for them.
  return { value, canonical: isUtf8(bytes) && canonicalTextIs(value, text) };
}

function canonicalTextIs(value: unknown, text: string): boolean {
  // A shortcut, at a third of canonicalize's cost: JSON.stringify writes values as canonicalize does, only with each
  // object's keys in the order JSON.parse made them (the text's, integer-like keys first). So where it gives back
  // the text and that order is sorted, canonicalize would give it back too. Anything else is canonicalize's call.
  return (JSON.stringify(value) === text && keysSorted(value)) || canonicalText(value) === text;
}

/** Whether every object's keys are in RFC 8785 order: by UTF-16 code units, as `<` compares strings. */
function keysSorted(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(keysSorted);
  const keys = Object.keys(value);
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1] < keys[i])) return false;
  return Object.values(value).every(keysSorted);
}

/** canonicalize's text, undefined for what RFC 8785 cannot write (a number beyond JSON's range parses to Infinity). */
function canonicalText(value: unknown): string | undefined {
  try {
    return canonicalize(value);
  } catch {
    return undefined;
  }
}

export function sha256Hex(bytes: Buffer): string {
  return hash('sha256', bytes, 'hex');
}

export interface StreamHead {
  /** Revision of the stream's last event, -1 for a new stream. */
  revision: number;
  /** eventHash of the stream's last event, NO_PREVIOUS_HASH for a new stream. */
  lastHash: string;
}

export interface SealedEvent<Metadata = unknown> {
  envelope: SealedEnvelope<Metadata>;
  canonical: Buffer;
  eventHash: string;
}

/** Chains new events onto a stream head: revisions, prevEventHash and eventHash, as both adapters store them. */
export function sealEvents<Metadata>(
  streamId: string,
  head: StreamHead,
  events: readonly UnsealedEvent<Metadata>[],
  recordedAt: string,
): SealedEvent<Metadata>[] {
  let prevEventHash = head.lastHash;
  return events.map((event, index) => {
    const envelope: SealedEnvelope<Metadata> = {
      eventId: event.eventId,
      streamId,
      streamRevision: head.revision + 1 + index,
      type: event.type,
      schemaVersion: event.schemaVersion,
      occurredAt: event.occurredAt,
      recordedAt,
      data: event.data,
      metadata: event.metadata,
      prevEventHash,
    };
    const canonical = canonicalBytes(envelope);
    const eventHash = sha256Hex(canonical);
    prevEventHash = eventHash;
    return { envelope, canonical, eventHash };
  });
}

export const NEW_STREAM_HEAD: StreamHead = { revision: -1, lastHash: NO_PREVIOUS_HASH };
