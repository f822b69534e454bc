import canonicalize from 'canonicalize';
import { hash } from 'node:crypto';
import { NO_PREVIOUS_HASH, type NewEvent, type RecordedEvent } from '../event-store/event-store';

/** The fields an event's integrity covers: the envelope, with personal data and free text only as ciphertext. */
export type SealedEnvelope = Omit<RecordedEvent, 'position' | 'eventHash'>;

/** RFC 8785 (JSON Canonicalization Scheme) bytes of the envelope: what is hashed, stored and exported. */
export function canonicalBytes(envelope: SealedEnvelope): Buffer {
  const { eventId, streamId, streamRevision, type, schemaVersion, occurredAt, recordedAt, data, metadata, prevEventHash } =
    envelope;
  const text = canonicalize({
    eventId, streamId, streamRevision, type, schemaVersion, occurredAt, recordedAt, data, metadata, prevEventHash,
  });
  if (text === undefined) throw new Error(`Event ${eventId} cannot be canonicalised`);
  return Buffer.from(text, 'utf8');
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

export interface SealedEvent {
  envelope: SealedEnvelope;
  canonical: Buffer;
  eventHash: string;
}

/** Chains new events onto a stream head: revisions, prevEventHash and eventHash, as both adapters store them. */
export function sealEvents(streamId: string, head: StreamHead, events: readonly NewEvent[], recordedAt: string): SealedEvent[] {
  let prevEventHash = head.lastHash;
  return events.map((event, index) => {
    const envelope: SealedEnvelope = {
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
