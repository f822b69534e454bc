import canonicalize from 'canonicalize';
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
export type UnsealedEvent<Metadata = unknown> = Pick<
  SealedEnvelope<Metadata>,
  'eventId' | 'type' | 'schemaVersion' | 'occurredAt' | 'data' | 'metadata'
>;

export const NO_PREVIOUS_HASH = '0'.repeat(64);

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
