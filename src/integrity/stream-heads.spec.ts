import { hash, randomUUID } from 'node:crypto';
import { NEW_STREAM_HEAD, canonicalBytes, sealEvents, sha256Hex, type SealedEvent, type StreamHead } from './canonical';
import { Extension, StreamHeads } from './stream-heads';

/** `count` events of one stream, chained from `head`, as the event store seals them. */
function sealed(streamId: string, count: number, head: StreamHead = NEW_STREAM_HEAD): SealedEvent[] {
  const events = Array.from({ length: count }, () => ({
    eventId: randomUUID(),
    type: 'ServiceDelivered',
    schemaVersion: 1,
    occurredAt: '2025-03-14',
    data: { domain: 'legal' },
    metadata: { actor: 'user-1', organisationId: 'org-1', correlationId: randomUUID(), causationId: null },
  }));
  return sealEvents(streamId, head, events, '2025-03-14T10:00:00.000Z');
}

/**
 * Places `event` as the verifier does: its canonical bytes decoded into the heads' input, then `extend` with its
 * hash and the hash its export line claims (by default the right one).
 */
function place(heads: StreamHeads, event: { canonical: Buffer; eventHash: string }, index: number, claimed = event.eventHash): Extension {
  const at = heads.input(event.canonical.length);
  event.canonical.copy(heads.memory, at);
  return heads.extend(at, event.canonical.length, index, hash('sha256', event.canonical, 'binary'), claimed);
}

/** The event with its prevEventHash replaced (and rehashed, so only the chain can tell). */
function chainedOnto(event: SealedEvent, prevEventHash: string) {
  const canonical = canonicalBytes({ ...event.envelope, prevEventHash });
  return { canonical, eventHash: sha256Hex(canonical) };
}

describe('StreamHeads', () => {
  it('computes SipHash as its reference does (SipHash-2-4 vectors: key 00..0f, messages 00..0e)', async () => {
    const heads = await StreamHeads.create(Buffer.from(Array.from({ length: 16 }, (_, i) => i)));
    const at = heads.input(64);
    heads.memory.set(Array.from({ length: 64 }, (_, i) => i), at);
    // vectors_sip64 of the SipHash reference implementation, the first 15 (messages of 0 to 14 bytes), as integers.
    const vectors = [
      '726fdb47dd0e0e31', '74f839c593dc67fd', '0d6c8009d9a94f5a', '85676696d7fb7e2d', 'cf2794e0277187b7',
      '18765564cd99a68d', 'cbc9466e58fee3ce', 'ab0200f58b01d137', '93f5f5799a932462', '9e0082df0ba9e4b0',
      '7a5dbbc594ddb9f3', 'f4b32f46226bada7', '751e8fbc860ee5fb', '14ea5627c0843d90', 'f723ca908e7af2ee',
    ];
    vectors.forEach((hex, length) => expect(heads.sipHash(at, length, [2, 4]).toString(16).padStart(16, '0')).toBe(hex));
    // The index's SipHash-1-3 is the same code with fewer rounds: another function, keyed alike.
    expect(heads.sipHash(at, 8)).not.toBe(heads.sipHash(at, 8, [2, 4]));
  });

  it('tells apart ids whose fingerprints collide, by their bytes, beyond the 64 a head holds too', async () => {
    // With a known key, two ids sharing their first 64 bytes whose 32-bit fingerprints are equal (a birthday search).
    const key = Buffer.alloc(16, 7);
    const finder = await StreamHeads.create(key);
    const prefix = 'journey-'.padEnd(64, 'x');
    const seen = new Map<bigint, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const id = Buffer.from(`${prefix}${String(i).padStart(8, '0')}`); // one length, so only the bytes tell them apart
      const at = finder.input(id.length);
      id.copy(finder.memory, at);
      const fingerprint = BigInt.asUintN(32, finder.sipHash(at, id.length));
      const other = seen.get(fingerprint);
      if (other) pair = [other, id.toString()];
      seen.set(fingerprint, id.toString());
    }
    const heads = await StreamHeads.create(key);
    const [a, b] = pair.map((id) => sealed(id, 2));
    expect(place(heads, a[0], 0)).toBe(Extension.extended);
    expect(place(heads, b[0], 1)).toBe(Extension.extended); // a new stream, not a repeat of the first
    expect(place(heads, chainedOnto(b[1], a[0].eventHash), 2)).toBe(Extension.unchained);
    expect(place(heads, b[1], 2)).toBe(Extension.extended);
    expect(place(heads, a[1], 3)).toBe(Extension.extended);
  });

  it('extends a stream event by event, and says how an event does not follow its stream', async () => {
    const heads = await StreamHeads.create();
    const [first, second, third] = sealed('journey-a', 3);
    expect(place(heads, first, 0)).toBe(Extension.extended);
    expect(place(heads, first, 1)).toBe(Extension.repeated);
    expect([heads.lastRevision(), heads.lastIndex()]).toEqual([0, 0]);
    expect(place(heads, third, 1)).toBe(Extension.ahead);
    expect([heads.revision(), heads.lastRevision(), heads.streamId()]).toEqual([2, 0, 'journey-a']);
    expect(place(heads, chainedOnto(second, sha256Hex(Buffer.from('another event'))), 1)).toBe(Extension.unchained);
    expect(place(heads, second, 7)).toBe(Extension.extended);
    expect(place(heads, third, 8)).toBe(Extension.extended);
    expect([heads.lastRevision(), heads.lastIndex()]).toEqual([1, 7]);
  });

  it('places an event only if its line claims its hash, in lower-case hex', async () => {
    const heads = await StreamHeads.create();
    const [first, second] = sealed('journey-a', 2);
    expect(first.eventHash).toMatch(/[a-f]/);
    expect(place(heads, first, 0, first.eventHash.toUpperCase())).toBe(Extension.notItsHash);
    expect(place(heads, first, 0, second.eventHash)).toBe(Extension.notItsHash);
    expect(place(heads, first, 0, `${first.eventHash.slice(0, 63)}${String.fromCharCode(first.eventHash.charCodeAt(63) ^ 0x40)}`)).toBe(Extension.notItsHash);
    expect(place(heads, first, 0)).toBe(Extension.extended);
    expect(place(heads, second, 1)).toBe(Extension.extended);
  });

  it('starts a stream only on 64 zeros, and takes the previous hash only as 64 lower-case hex digits', async () => {
    const heads = await StreamHeads.create();
    const [first, second] = sealed('journey-a', 2);
    expect(place(heads, chainedOnto(first, '1'.repeat(64)), 0)).toBe(Extension.unchained);
    expect(place(heads, first, 0)).toBe(Extension.extended);
    expect(first.eventHash).toMatch(/[a-f]/);
    expect(place(heads, chainedOnto(second, first.eventHash.toUpperCase()), 1)).toBe(Extension.unchained);
    // One character short or long is no envelope the chain can be read from.
    expect(place(heads, chainedOnto(second, first.eventHash.slice(1)), 1)).toBe(Extension.notAnEnvelope);
    expect(place(heads, chainedOnto(second, `${first.eventHash}0`), 1)).toBe(Extension.notAnEnvelope);
    expect(place(heads, second, 1)).toBe(Extension.extended);
  });

  it('tells apart ids that share a prefix, differ in one byte, hold escapes, are empty or long', async () => {
    const heads = await StreamHeads.create();
    const long = 'journey-'.padEnd(64, 'x'); // a record holds an id's first 64 bytes, the arena the rest
    const ids = ['journey-a', 'journey-ab', 'journey-b', 'journey-"a', 'journey-\\a', '', 'journey-A', 'journey-é'];
    ids.push(long, `${long}a`, `${long}b`, `${long}ab`, `${long.slice(1)}a`, `${long}${'y'.repeat(300)}`);
    const streams = ids.map((id) => sealed(id, 2));
    streams.forEach(([first], i) => expect(place(heads, first, i)).toBe(Extension.extended));
    // Each id's second event follows its own first event only.
    streams.forEach(([, second], i) => {
      const other = streams[(i + 1) % streams.length][0];
      expect(place(heads, chainedOnto(second, other.eventHash), 100 + i)).toBe(Extension.unchained);
      expect(heads.lastIndex()).toBe(i);
      expect(place(heads, second, 100 + i)).toBe(Extension.extended);
    });
  });

  it('keeps every head while its memory grows (100,000 streams)', async () => {
    const heads = await StreamHeads.create();
    const count = 100_000;
    const memoryBefore = heads.memory.length;
    const seconds: SealedEvent[] = [];
    let extended = 0;
    for (let i = 0; i < count; i++) {
      const [first, second] = sealed(`journey-${i}`, i % 997 === 0 ? 2 : 1);
      if (place(heads, first, i) === Extension.extended) extended++;
      if (second) seconds.push(second);
    }
    expect(extended).toBe(count);
    expect(heads.memory.length).toBeGreaterThan(memoryBefore);
    for (const second of seconds) {
      expect(place(heads, chainedOnto(second, '0'.repeat(64)), count)).toBe(Extension.unchained);
      expect(heads.lastIndex()).toBe(Number(second.envelope.streamId.slice('journey-'.length)));
      expect(place(heads, second, count)).toBe(Extension.extended);
    }
  });

  it('reads an envelope without placing it, and refuses what is not one', async () => {
    const heads = await StreamHeads.create();
    const [, second] = sealed('journey-\\"quoted\\"', 2);
    const at = heads.input(second.canonical.length);
    second.canonical.copy(heads.memory, at);
    expect(heads.parse(at, second.canonical.length)).toBe(true);
    expect([heads.revision(), heads.streamId()]).toEqual([1, 'journey-\\\\\\"quoted\\\\\\"']);
    for (const text of ['', '}', '{"type":"x"}', second.canonical.toString().replace('"streamRevision":1', '"streamRevision":-1')]) {
      const bytes = Buffer.from(text);
      bytes.copy(heads.memory, at);
      expect(heads.parse(at, bytes.length)).toBe(false);
      expect(place(heads, { canonical: bytes, eventHash: sha256Hex(bytes) }, 0)).toBe(Extension.notAnEnvelope);
    }
  });

  it('takes inputs longer than its first input area', async () => {
    const heads = await StreamHeads.create();
    const [first] = sealEvents('journey-long', NEW_STREAM_HEAD, [{ ...sealed('x', 1)[0].envelope, data: { note: 'x'.repeat(200_000) } }], '2025-03-14T10:00:00.000Z');
    expect(place(heads, first, 0)).toBe(Extension.extended);
  });
});
