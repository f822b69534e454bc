import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { sealEvents, sha256Hex, type StreamHead } from './canonical';
import type { Checkpoint } from './checkpoint';
import { MemoryNodeStore, Frontier, consistencyProof, leafHash } from './merkle';
import { checkpointsConsistent, exportLine, verifyExport } from './verify-export';

interface Exported {
  canonical: Buffer;
  eventHash: string;
  streamId: string;
}

const origin = 'journey-ledger.example/log';

/** A global log of `count` events over `streams` streams, interleaved, chained as the event store chains them. */
function globalLog(count: number, streams: readonly string[], data: (i: number) => Record<string, unknown> = (i) => ({ step: i })) {
  const heads = new Map<string, StreamHead>();
  const log: Exported[] = [];
  for (let i = 0; i < count; i++) {
    const streamId = streams[i % streams.length];
    const head = heads.get(streamId) ?? { revision: -1, lastHash: '0'.repeat(64) };
    const [sealed] = sealEvents(
      streamId,
      head,
      [
        {
          eventId: randomUUID(),
          type: 'JourneyStepRecorded',
          schemaVersion: 1,
          occurredAt: '2024-05',
          data: data(i),
          metadata: { actor: 'user-1', organisationId: 'org-1', correlationId: randomUUID(), causationId: null },
        },
      ],
      new Date(Date.UTC(2024, 4, 1, 0, 0, i)).toISOString(),
    );
    heads.set(streamId, { revision: head.revision + 1, lastHash: sealed.eventHash });
    log.push({ canonical: sealed.canonical, eventHash: sealed.eventHash, streamId });
  }
  return log;
}

/** The checkpoint a log of these events would sign, computed through the generic leaf hash. */
function checkpointOf(log: readonly Exported[], size = log.length): Checkpoint {
  const frontier = Frontier.empty();
  for (const event of log.slice(0, size)) frontier.append(leafHash(event.canonical));
  return { origin, size, rootHash: frontier.root() };
}

/**
 * Export lines as the server writes them, each with the leaf hash the Merkle log holds at its index: `logged`'s,
 * the log as it was built (tampering with the events table leaves it as it was), by default the events' own.
 */
const lines = (exported: readonly Exported[], logged: readonly Exported[] = exported) =>
  exported.map((event, index) => exportLine(index, event.canonical, event.eventHash, leafHash((logged[index] ?? event).canonical)).slice(0, -1));
/** Lines of an export made before they carried the log's leaf hash. */
const legacyLines = (exported: readonly Exported[]) => exported.map((event, index) => exportLine(index, event.canonical, event.eventHash).slice(0, -1));
const streams = ['journey-a', 'journey-b', 'journey-c'];

/** The event with its envelope changed, in canonical form and rehashed: only its chain and the root can tell. */
function withEnvelope(event: Exported, change: (envelope: Record<string, unknown>) => Record<string, unknown>): Exported {
  const canonical = Buffer.from(canonicalize(change(JSON.parse(event.canonical.toString('utf8')))) as string, 'utf8');
  return { ...event, canonical, eventHash: sha256Hex(canonical) };
}

function withByteChanged(event: Exported, rehash: boolean): Exported {
  const canonical = Buffer.from(event.canonical);
  const at = canonical.indexOf('"step":') + 7;
  canonical[at] = canonical[at] === 0x39 ? 0x38 : canonical[at] + 1;
  return { ...event, canonical, eventHash: rehash ? createHash('sha256').update(canonical).digest('hex') : event.eventHash };
}

describe('verifying an export', () => {
  const log = globalLog(30, streams);
  const checkpoint = checkpointOf(log);

  test('an export of many streams, interleaved, verifies', async () => {
    const many = globalLog(
      10_000,
      Array.from({ length: 5000 }, (_, i) => `journey-${i}`),
    );
    expect(await verifyExport(lines(many), [checkpointOf(many)])).toMatchObject({ ok: true, size: 10_000 });
  });

  test('an untouched export verifies and rebuilds the checkpoint root', async () => {
    const verdict = await verifyExport(lines(log), [checkpoint]);
    expect(verdict).toEqual({ ok: true, size: 30, rootHash: checkpoint.rootHash });
  });

  test('an export in another JSON layout verifies too', async () => {
    const pretty = log.map((event, index) => JSON.stringify({ eventHash: event.eventHash, index, canonical: event.canonical.toString('base64') }, null, 0));
    expect((await verifyExport(pretty, [checkpoint])).ok).toBe(true);
  });

  test('a changed byte is named as altered', async () => {
    const tampered = log.map((event, index) => (index === 7 ? withByteChanged(event, false) : event));
    expect(await verifyExport(lines(tampered), [checkpoint])).toMatchObject({ ok: false, index: 7, problem: 'altered' });
  });

  test('a changed byte with a recomputed hash breaks its stream chain: named at the changed event', async () => {
    const tampered = log.map((event, index) => (index === 7 ? withByteChanged(event, true) : event));
    expect(await verifyExport(lines(tampered), [checkpoint])).toMatchObject({ ok: false, index: 7, problem: 'altered' });
  });

  test("a changed last event of its stream, rehashed, is named by the log's own leaf hashes", async () => {
    const tampered = log.map((event, index) => (index === 29 ? withByteChanged(event, true) : event));
    expect(await verifyExport(lines(tampered, log), [checkpoint])).toMatchObject({ ok: false, index: 29, problem: 'altered' });
    // Without them, only the root shows it.
    expect(await verifyExport(legacyLines(tampered), [checkpoint])).toMatchObject({ ok: false, index: null, problem: 'root-mismatch' });
  });

  test('an export without the log leaf hashes (older) verifies as before', async () => {
    expect(await verifyExport(legacyLines(log), [checkpoint])).toEqual({ ok: true, size: 30, rootHash: checkpoint.rootHash });
  });

  test("a leaf hash changed in the log's stored tree, the events intact, is named there", async () => {
    const exported = lines(log);
    exported[12] = exportLine(12, log[12].canonical, log[12].eventHash, leafHash(log[13].canonical)).slice(0, -1);
    expect(await verifyExport(exported, [checkpoint])).toMatchObject({ ok: false, index: 12, problem: 'altered' });
  });

  test('leaf hashes that lie cannot place a change: an index is named only when their tree has the signed root', async () => {
    const tampered = log.map((event, index) => (index === 29 ? withByteChanged(event, true) : event));
    const exported = lines(tampered, log);
    exported[3] = exportLine(3, log[3].canonical, log[3].eventHash, leafHash(log[4].canonical)).slice(0, -1);
    expect(await verifyExport(exported, [checkpoint])).toMatchObject({ ok: false, index: null, problem: 'root-mismatch' });
    // Leaf hashes that follow the forged events agree with them, so nothing parts: the root alone fails them.
    expect(await verifyExport(lines(tampered), [checkpoint])).toMatchObject({ ok: false, index: null, problem: 'root-mismatch' });
  });

  test('canonical bytes that are not exactly padded base64 are malformed, whatever a lenient decoder makes of them', async () => {
    const base64 = log[3].canonical.toString('base64');
    const { eventHash } = log[3];
    for (const canonical of [
      `${base64.slice(0, 40)}","x":"${base64.slice(40)}`, // another member hidden inside
      `${base64.slice(0, 40)}%%%%${base64.slice(40)}`, // a length base64 can have, with characters Node skips
      `${base64.slice(0, 40)} ${base64.slice(40)}`,
    ]) {
      const exported = lines(log);
      exported[3] = `{"index":3,"canonical":"${canonical}","eventHash":"${eventHash}"}`;
      expect(await verifyExport(exported, [checkpoint])).toMatchObject({ ok: false, index: 3, problem: 'malformed' });
    }
  });

  test('a leafHash that is not 64 hex digits is malformed', async () => {
    const exported = lines(log);
    exported[2] = exported[2].replace(/"leafHash":"[0-9a-f]{4}/, '"leafHash":"zzzz');
    expect(await verifyExport(exported, [checkpoint])).toMatchObject({ ok: false, index: 2, problem: 'malformed' });
  });

  test('a deleted line is named as missing', async () => {
    const exported = lines(log).filter((_, index) => index !== 5);
    expect(await verifyExport(exported, [checkpoint])).toMatchObject({ ok: false, index: 5, problem: 'missing' });
  });

  test('a truncated export is missing its tail', async () => {
    expect(await verifyExport(lines(log).slice(0, 25), [checkpoint])).toMatchObject({ ok: false, index: 25, problem: 'missing' });
  });

  test('two swapped lines are named as reordered at the first', async () => {
    const exported = lines(log);
    [exported[4], exported[9]] = [exported[9], exported[4]];
    expect(await verifyExport(exported, [checkpoint])).toMatchObject({ ok: false, index: 4, problem: 'reordered' });
  });

  test('two swapped events of one stream, renumbered, are named as reordered at the first', async () => {
    const swapped = [...log];
    [swapped[4], swapped[7]] = [swapped[7], swapped[4]]; // both journey-b
    expect(await verifyExport(lines(swapped), [checkpoint])).toMatchObject({ ok: false, index: 4, problem: 'reordered' });
  });

  test("two swapped events of different streams, renumbered, are named as reordered by the log's leaf hashes", async () => {
    for (const [a, b] of [
      [4, 5],
      [4, 9],
    ]) {
      const swapped = [...log];
      [swapped[a], swapped[b]] = [swapped[b], swapped[a]]; // journey-b with journey-c, then with journey-a
      expect(await verifyExport(lines(swapped, log), [checkpoint])).toMatchObject({ ok: false, index: a, problem: 'reordered' });
    }
    // Adjacent, each chain stays intact: without the leaf hashes only the root shows it.
    const adjacent = [...log];
    [adjacent[4], adjacent[5]] = [adjacent[5], adjacent[4]];
    expect(await verifyExport(legacyLines(adjacent), [checkpoint])).toMatchObject({ ok: false, index: null, problem: 'root-mismatch' });
  });

  test('a line repeating an index is named as inserted', async () => {
    const exported = lines(log);
    exported.splice(6, 0, exported[5]);
    expect(await verifyExport(exported, [checkpoint])).toMatchObject({ ok: false, index: 6, problem: 'inserted' });
  });

  test('a forged event in an existing stream, renumbered in, is named as inserted', async () => {
    const forged = globalLog(1, ['journey-a'])[0];
    const tampered = [...log.slice(0, 10), forged, ...log.slice(10)];
    expect(await verifyExport(lines(tampered), [checkpoint])).toMatchObject({ ok: false, index: 10, problem: 'inserted' });
  });

  test("a forged event of a new stream, renumbered in, is named as inserted by the log's own leaf hashes", async () => {
    const forged = globalLog(1, ['journey-forged'])[0];
    const tampered = [...log.slice(0, 10), forged, ...log.slice(10)];
    expect(await verifyExport(lines(tampered, log), [checkpoint])).toMatchObject({ ok: false, index: 10, problem: 'inserted' });
    expect(await verifyExport(legacyLines(tampered), [checkpoint])).toMatchObject({ ok: false, index: null, problem: 'root-mismatch' });
  });

  test('a line that is not an export line is malformed', async () => {
    const exported = lines(log);
    exported[3] = '{"index":3,"canonical":';
    expect(await verifyExport(exported, [checkpoint])).toMatchObject({ ok: false, index: 3, problem: 'malformed' });
  });

  test('an eventHash spelled with characters that only look like hex digits is altered', async () => {
    const exported = lines(log);
    const hash = log[5].eventHash;
    const letter = hash.search(/[a-f]/);
    // U+0161's low byte is "a"; a reader that narrowed characters to bytes would take it for one.
    exported[5] = exported[5].replace(hash, `${hash.slice(0, letter)}${String.fromCharCode(0x100 + hash.charCodeAt(letter))}${hash.slice(letter + 1)}`);
    expect(await verifyExport(exported, [checkpoint])).toMatchObject({ ok: false, index: 5, problem: 'altered' });
  });

  test('a prevEventHash that is not 64 lower-case hex digits breaks the chain or the envelope', async () => {
    const rewritten = (index: number, prev: (hash: string) => string): Exported =>
      withEnvelope(log[index], (envelope) => ({ ...envelope, prevEventHash: prev(envelope.prevEventHash as string) }));
    const at = (index: number, event: Exported) => log.map((original, i) => (i === index ? event : original));
    // Event 6 is its stream's third; its previous is event 3, named as the one the chain breaks after.
    expect(
      await verifyExport(
        lines(
          at(
            6,
            rewritten(6, (hash) => hash.toUpperCase()),
          ),
        ),
        [checkpoint],
      ),
    ).toMatchObject({ index: 3, problem: 'altered' });
    expect(
      await verifyExport(
        lines(
          at(
            6,
            rewritten(6, (hash) => hash.slice(1)),
          ),
        ),
        [checkpoint],
      ),
    ).toMatchObject({ index: 6, problem: 'malformed' });
    expect(
      await verifyExport(
        lines(
          at(
            6,
            rewritten(6, (hash) => `${hash}0`),
          ),
        ),
        [checkpoint],
      ),
    ).toMatchObject({ index: 6, problem: 'malformed' });
  });

  test('two checkpoints are checked as the export passes them, proving one log extends the other', async () => {
    const older = checkpointOf(log, 12);
    expect((await verifyExport(lines(log), [checkpoint, older])).ok).toBe(true);
    const forkedOlder = { ...older, rootHash: checkpointOf(globalLog(12, streams)).rootHash };
    expect(await verifyExport(lines(log), [checkpoint, forkedOlder])).toMatchObject({ ok: false, problem: 'root-mismatch' });
  });

  test('two checkpoints beyond an export are consistent by proof', async () => {
    const store = new MemoryNodeStore();
    const frontier = Frontier.empty();
    for (const event of log) frontier.append(leafHash(event.canonical), store.put);
    const proof = await consistencyProof(store, 12, 30);
    expect(checkpointsConsistent(checkpointOf(log, 12), checkpoint, proof)).toBe(true);
    expect(checkpointsConsistent(checkpointOf(globalLog(12, streams)), checkpoint, proof)).toBe(false);
    expect(checkpointsConsistent({ ...checkpointOf(log, 12), origin: 'elsewhere' }, checkpoint, proof)).toBe(false);
  });

  test('envelopes whose data mimics the envelope, with quotes and escapes, still chain', async () => {
    const tricky = fc.record({
      prevEventHash: fc.string(),
      streamId: fc.string(),
      streamRevision: fc.integer(),
      nested: fc.jsonValue(),
      type: fc.string({ unit: fc.constantFrom('"', '\\', ',', ':', '}', 'a', 'é') }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(tricky, { minLength: 4, maxLength: 12 }), fc.constantFrom('j"1\\', 'j\\"2', 'j,"type":'), async (data, oddStream) => {
        const events = globalLog(data.length, ['journey-"a"', oddStream], (i) => data[i]);
        expect((await verifyExport(lines(events), [checkpointOf(events)])).ok).toBe(true);
        const swapped = [...events];
        [swapped[1], swapped[3]] = [swapped[3], swapped[1]];
        expect(await verifyExport(lines(swapped), [checkpointOf(events)])).toMatchObject({ ok: false, index: 1, problem: 'reordered' });
      }),
      { numRuns: 50 },
    );
  });

  test("an eventHash in upper case, or another event's, or one digit off, is altered", async () => {
    const { eventHash } = log[5];
    expect(eventHash).toMatch(/[a-f]/);
    const digitOff = `${eventHash.slice(0, 63)}${eventHash.endsWith('0') ? '1' : '0'}`;
    for (const claimed of [eventHash.toUpperCase(), log[6].eventHash, digitOff]) {
      const exported = lines(log);
      exported[5] = exported[5].replace(eventHash, claimed);
      expect(await verifyExport(exported, [checkpoint])).toMatchObject({ ok: false, index: 5, problem: 'altered' });
    }
  });

  test("a stream's first event chained onto anything but 64 zeros is altered", async () => {
    const first = withEnvelope(log[1], (envelope) => ({ ...envelope, prevEventHash: '1'.repeat(64) }));
    const tampered = log.map((event, index) => (index === 1 ? first : event));
    expect(await verifyExport(lines(tampered), [checkpoint])).toMatchObject({ ok: false, index: 1, problem: 'altered' });
  });

  test('stream ids that share a prefix, differ in one byte, hold escapes, are empty or long are told apart', async () => {
    const long = 'journey-'.padEnd(64, 'x');
    const ids = ['journey-a', 'journey-ab', 'journey-b', 'journey-"a', 'journey-\\a', '', 'journey-A', 'journey-é', '0', '00'];
    ids.push(long, `${long}a`, `${long}b`, `${long}ab`, `${long.slice(1)}a`, `${long}${'y'.repeat(300)}`);
    const events = globalLog(2 * ids.length, ids); // each id's first event, then each id's second
    expect(await verifyExport(lines(events), [checkpointOf(events)])).toMatchObject({ ok: true, size: 2 * ids.length });
    // Each id's second event follows its own first event only: chained onto the next id's, it breaks its chain.
    for (let i = 0; i < ids.length; i++) {
      const second = ids.length + i;
      const other = events[(i + 1) % ids.length];
      const tampered = [...events];
      tampered[second] = withEnvelope(events[second], (envelope) => ({ ...envelope, prevEventHash: other.eventHash }));
      expect(await verifyExport(lines(tampered), [checkpointOf(events)])).toMatchObject({ ok: false, index: i, problem: 'altered' });
    }
  });

  test('canonical bytes that are not an event envelope are malformed', async () => {
    const negative = withEnvelope(log[3], (envelope) => ({ ...envelope, streamRevision: -1 })).canonical;
    for (const canonical of [Buffer.alloc(0), Buffer.from('}'), Buffer.from('[]'), Buffer.from('{"type":"x"}'), negative]) {
      const exported = lines(log);
      exported[3] = exportLine(3, canonical, sha256Hex(canonical)).slice(0, -1);
      expect(await verifyExport(exported, [checkpoint])).toMatchObject({ ok: false, index: 3, problem: 'malformed' });
    }
  });

  test('an event far longer than most verifies', async () => {
    const events = globalLog(3, ['journey-long'], (i) => ({ note: 'x'.repeat(200_000 * i) }));
    expect(await verifyExport(lines(events), [checkpointOf(events)])).toMatchObject({ ok: true, size: 3 });
  });
});

describe('verifying an export whose events are not all in RFC 8785 form', () => {
  const log = globalLog(30, streams, (i) => ({ note: 'A', step: i }));

  /**
   * The log with event `index` spelled otherwise, its stream's later events chained onto its new hash, and the
   * checkpoint signed over it all: as if a server had stored those bytes. Every hash, chain and root holds.
   */
  function respelled(index: number, spell: (text: string) => string): { events: Exported[]; checkpoint: Checkpoint } {
    const rehashed = new Map<string, string>();
    const events = log.map((event, i) => {
      const envelope = JSON.parse(event.canonical.toString('utf8')) as { prevEventHash: string };
      const prevEventHash = rehashed.get(envelope.prevEventHash);
      const text = prevEventHash ? (canonicalize({ ...envelope, prevEventHash }) as string) : event.canonical.toString('utf8');
      const canonical = Buffer.from(i === index ? spell(text) : text, 'utf8');
      const eventHash = sha256Hex(canonical);
      rehashed.set(event.eventHash, eventHash);
      return { ...event, canonical, eventHash };
    });
    return { events, checkpoint: checkpointOf(events) };
  }

  test('a canonical export verifies', async () => {
    const { events, checkpoint } = respelled(7, (text) => text);
    expect(await verifyExport(lines(events), [checkpoint])).toMatchObject({ ok: true, size: 30 });
  });

  test.each([
    ['a duplicate key', (text: string) => text.replace('"schemaVersion":1,', '"schemaVersion":1,"schemaVersion":1,')],
    ['1.0 for 1', (text: string) => text.replace('"schemaVersion":1,', '"schemaVersion":1.0,')],
    ['\\u0041 for A', (text: string) => text.replace('"note":"A"', '"note":"\\u0041"')],
    ['unsorted keys', (text: string) => text.replace(/"note":"A","step":(\d+)/, '"step":$1,"note":"A"')],
    ['extra whitespace', (text: string) => text.replace('"note":"A"', '"note": "A"')],
  ])('an event spelled with %s, the same JSON in other bytes, is named as altered', async (_, spell) => {
    const { events, checkpoint } = respelled(7, spell);
    const [original, spelled] = [log[7], events[7]].map((event) => event.canonical.toString('utf8'));
    expect(spelled).not.toBe(original);
    expect(canonicalize(JSON.parse(spelled))).toBe(original);
    expect(events[10].canonical).not.toEqual(log[10].canonical); // the stream's next event chains onto it
    const verdict = await verifyExport(lines(events), [checkpoint]);
    expect(verdict).toMatchObject({ ok: false, index: 7, problem: 'altered' });
    expect(verdict).toMatchObject({ detail: 'the canonical bytes are not the RFC 8785 form of their JSON' });
  });
});
