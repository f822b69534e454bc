import { sha256Hex } from './canonical';
import type { Checkpoint } from './checkpoint';
import { Frontier, HASH_BYTES, leafHashInPlace, verifyConsistency, type BinaryHash, type NodeSink } from './merkle';
import { StreamHeads } from './stream-heads';

/**
 * The offline verifier's core: replays an export (NDJSON, one line per leaf of the global Merkle log,
 * `{"index":i,"canonical":"<base64 canonical bytes>","eventHash":"<hex>","leafHash":"<hex>"}`) and checks every
 * event hash, every stream's chain and the tree roots against signed checkpoints, naming the first index that is
 * wrong.
 *
 * `leafHash` is the leaf hash the Merkle log itself holds for the index. Nothing is taken on trust from it: where
 * it parts from the event's own leaf hash, the verifier grows a second tree from the log's hashes, and only if
 * that tree's root is the signed one does it name the index where they parted, which a change that keeps every
 * line self-consistent (a row inserted, a replaced last event of a stream) otherwise leaves unplaced. Lines
 * without it (older exports) verify as before.
 *
 * Built for speed: the happy path neither JSON-parses the line nor the event, and reads the line where it lies in
 * the input, as bytes; only its base64 becomes a string (Node decodes base64 from strings). The line has a fixed
 * layout (`exportLine`); other layouts fall back to JSON.parse. The chain needs only the envelope's last members,
 * which RFC 8785's sorted keys put at the end (prevEventHash, recordedAt, schemaVersion, streamId, streamRevision,
 * type), so they are read backwards from the canonical bytes; the event hash and the Merkle root cover the rest.
 * Stream heads live in a flat table (`StreamHeads`), not in a Map of objects.
 */

export type Problem = 'altered' | 'missing' | 'inserted' | 'reordered' | 'malformed' | 'root-mismatch';

export type Verdict =
  | { ok: true; size: number; rootHash: Buffer }
  /**
   * `index` is null when only a root shows the change, which the leaves alone cannot place; `within` then bounds
   * it between the largest checkpoint whose root matched (or 0) and the one that did not.
   */
  | { ok: false; index: number | null; problem: Problem; detail: string; within?: { from: number; to: number } };

/** One export line, with its newline: the layout the verifier reads fastest. */
export function exportLine(index: number, canonical: Buffer, eventHash: string, leafHash?: Buffer): string {
  const logged = leafHash ? `,"leafHash":"${leafHash.toString('hex')}"` : '';
  return `{"index":${index},"canonical":"${canonical.toString('base64')}","eventHash":"${eventHash}"${logged}}\n`;
}

interface Line {
  index: number;
  /** Base64 of the canonical bytes. */
  canonical: string;
  /** The line's eventHash is `hashSource[hashStart, hashEnd)`: compared where it lies, never copied. */
  hashSource: Buffer;
  hashStart: number;
  hashEnd: number;
  /** Hex, as the log holds it; absent in older exports. */
  leafHash?: string;
}

/** A SHA-256 in hex, as eventHash, leafHash and prevEventHash are written. */
const HEX_HASH_LENGTH = 2 * HASH_BYTES;
const HEAD = Buffer.from('{"index":', 'latin1');
const CANONICAL = Buffer.from(',"canonical":"', 'latin1');
const EVENT_HASH = Buffer.from('","eventHash":"', 'latin1');
const LEAF_HASH = Buffer.from('","leafHash":"', 'latin1');
const LINE_END = Buffer.from('"}', 'latin1');

/** How many bytes padded base64 (RFC 4648) of this length decodes to; -1 if no such base64 has this length. */
function paddedBase64Bytes(base64: string): number {
  if (base64.length % 4 !== 0) return -1;
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

/** The line `bytes[start, end)`, read in place when it has exportLine's layout, else through JSON.parse. */
function parseLine(bytes: Buffer, start: number, end: number): Line | undefined {
  return exportLayout(bytes, start, end) ?? parsedLine(bytes.toString('latin1', start, end));
}

/**
 * The hashes have fixed lengths, so the fields are found from both ends without reading the canonical bytes'
 * base64 in between (decoding it checks that it is nothing else).
 */
function exportLayout(bytes: Buffer, start: number, end: number): Line | undefined {
  const leafEnd = end - LINE_END.length;
  if (leafEnd < start || !bytesAt(bytes, start, HEAD) || !bytesAt(bytes, leafEnd, LINE_END)) return undefined;
  const leafKey = leafEnd - HEX_HASH_LENGTH - LEAF_HASH.length;
  const withLeaf = leafKey >= start && bytesAt(bytes, leafKey, LEAF_HASH);
  const hashEnd = withLeaf ? leafKey : leafEnd;
  const hashKey = hashEnd - HEX_HASH_LENGTH - EVENT_HASH.length;
  // The index, in canonical form: digits, no leading zero, at most 15 (a safe integer).
  const digits = start + HEAD.length;
  let at = digits;
  let index = 0;
  for (; at < hashKey && at - digits < 16 && bytes[at] >= 0x30 && bytes[at] <= 0x39; at++) index = index * 10 + bytes[at] - 0x30;
  if (at === digits || at - digits > 15 || (bytes[digits] === 0x30 && at - digits > 1)) return undefined;
  const canonical = at + CANONICAL.length;
  if (canonical > hashKey || !bytesAt(bytes, at, CANONICAL) || !bytesAt(bytes, hashKey, EVENT_HASH)) return undefined;
  return {
    index,
    canonical: bytes.toString('latin1', canonical, hashKey),
    hashSource: bytes,
    hashStart: hashEnd - HEX_HASH_LENGTH,
    hashEnd,
    leafHash: withLeaf ? bytes.toString('latin1', leafEnd - HEX_HASH_LENGTH, leafEnd) : undefined,
  };
}

function parsedLine(text: string): Line | undefined {
  try {
    const { index, canonical, eventHash, leafHash } = JSON.parse(text) as Record<string, unknown>;
    if (
      Number.isSafeInteger(index) &&
      typeof canonical === 'string' &&
      typeof eventHash === 'string' &&
      (leafHash === undefined || typeof leafHash === 'string')
    ) {
      const hashSource = Buffer.from(eventHash, 'utf8');
      return { index: index as number, canonical, hashSource, hashStart: 0, hashEnd: hashSource.length, leafHash };
    }
  } catch {
    // malformed: reported by the caller
  }
  return undefined;
}

interface ChainLink {
  /** Where the stream id's canonical JSON string lies in the bytes, `[streamStart, streamEnd)`, quotes excluded. */
  streamStart: number;
  streamEnd: number;
  revision: number;
  /** Where prevEventHash's characters lie in the bytes, `[prevStart, prevEnd)`: compared in place, never copied. */
  prevStart: number;
  prevEnd: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const token = (key: string) => Buffer.from(`,"${key}":`, 'latin1');
const TYPE = token('type');
const STREAM_REVISION = token('streamRevision');
const STREAM_ID = token('streamId');
const SCHEMA_VERSION = token('schemaVersion');
const RECORDED_AT = token('recordedAt');
const PREV_EVENT_HASH = token('prevEventHash');

/** Reads a canonical envelope's last members backwards; undefined when they are not the expected ones. */
function chainLink(bytes: Buffer): ChainLink | undefined {
  const close = bytes.length - 1;
  if (close < 1 || bytes[close] !== 0x7d /* } */) return undefined;
  const type = member(bytes, close, TYPE, true);
  const revision = member(bytes, type, STREAM_REVISION, false);
  const stream = member(bytes, revision, STREAM_ID, true);
  const schemaVersion = member(bytes, stream, SCHEMA_VERSION, false);
  const recordedAt = member(bytes, schemaVersion, RECORDED_AT, true);
  if (recordedAt < 0) return undefined;
  // prevEventHash is taken at its length, 64 hex digits, without looking for its opening quote: the chain check
  // accepts only hex digits there, so no quote can hide among them.
  const prevEnd = recordedAt - 1;
  const prevStart = prevEnd - HEX_HASH_LENGTH;
  const prev = prevStart - 1 - PREV_EVENT_HASH.length;
  if (prev < 0 || bytes[prevEnd] !== QUOTE || bytes[prevStart - 1] !== QUOTE || !bytesAt(bytes, prev, PREV_EVENT_HASH)) return undefined;
  // A member spans from its key to the next member's key; a string value sits inside quotes.
  let revisionNumber = 0;
  for (let at = revision + STREAM_REVISION.length; at < type; at++) revisionNumber = revisionNumber * 10 + bytes[at] - 0x30;
  return { streamStart: stream + STREAM_ID.length + 1, streamEnd: revision - 1, revision: revisionNumber, prevStart, prevEnd };
}

/** Whether `bytes[start, end)` are `text`'s characters (latin1), compared without making a string. */
function bytesSpell(bytes: Buffer, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * Where the member `,"key":value` that ends just before `end` starts, or -1 (also when `end` is -1, so calls
 * chain). Values are strings or unsigned integers.
 */
function member(bytes: Buffer, end: number, key: Buffer, isString: boolean): number {
  if (end < 0) return -1;
  let start: number;
  if (isString) {
    if (bytes[end - 1] !== QUOTE) return -1;
    start = openingQuote(bytes, end - 1);
    if (start < 0) return -1;
  } else {
    start = end;
    while (start > 0 && bytes[start - 1] >= 0x30 && bytes[start - 1] <= 0x39) start--;
    if (start === end) return -1;
  }
  const keyStart = start - key.length;
  return keyStart >= 0 && bytesAt(bytes, keyStart, key) ? keyStart : -1;
}

/** Whether `key` is at `at` in `bytes`: for keys this short, a loop beats a call into Buffer.compare. */
function bytesAt(bytes: Buffer, at: number, key: Buffer): boolean {
  for (let i = 0; i < key.length; i++) if (bytes[at + i] !== key[i]) return false;
  return true;
}

/**
 * Where the JSON string whose closing quote is at `close` opens: the first quote before it not escaped. A loop
 * over these short values beats Buffer.lastIndexOf, whose checks cost more than the search.
 */
function openingQuote(bytes: Buffer, close: number): number {
  for (let at = close - 1; at >= 0; at--) {
    if (bytes[at] !== QUOTE) continue;
    let backslashes = 0;
    while (at - 1 - backslashes >= 0 && bytes[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

/** Views of the scratch buffer kept at most (one per distinct line length). */
const MAX_VIEWS = 4096;

/** A gap seen in order: whether what is absent turns up later decides between 'reordered' and 'missing'. */
type Gap =
  | { at: number; wantedIndex: number; detail: string }
  | { at: number; stream: string; wantedRevision: number; detail: string };

/**
 * Feed it the export's lines in order (`push`), then ask for the verdict (`finish`). Stop feeding early once
 * `settled` is true. Checkpoints are compared when the export reaches their sizes, which also proves that
 * checkpoints of different sizes are consistent (one log extends the other).
 */
export class ExportVerifier {
  private readonly frontier = Frontier.empty();
  private readonly streams = new StreamHeads();
  private readonly checkpoints: Checkpoint[];
  private gap: Gap | undefined;
  private verdict: Verdict | undefined;
  /** Reused for every line's bytes (only hashes outlive a line): no allocation, no garbage per event. */
  private scratch = Buffer.allocUnsafe(64 * 1024);
  private readonly views = new Map<number, [Buffer, Buffer]>();
  /** Size of the largest checkpoint whose root the export matched so far. */
  private matchedSize = 0;
  /** Whether every line so far carried the log's leaf hash: the second tree needs all of them. */
  private everyLineLogged = true;
  /** From the first index where the log's leaf hash is not the event's: the tree of the log's own hashes. */
  private parting?: {
    index: number;
    logged: Frontier;
    eventLeaf: BinaryHash;
    loggedLeaf: BinaryHash;
    /** The export's event at the parting index is in the log, later. */
    eventBelongsLater: boolean;
    /** The log's event at the parting index is in the export, later: something was put in before it. */
    loggedEventComesLater: boolean;
  };
  private readonly loggedLeaf = Buffer.alloc(HASH_BYTES);
  private nextCheckpointSize = -1;

  /** `onNode` sees every tree node the export's leaves make, for keeping the tree (to locate a root mismatch). */
  constructor(
    checkpoints: readonly Checkpoint[],
    private readonly onNode?: NodeSink,
  ) {
    this.checkpoints = [...checkpoints].sort((a, b) => a.size - b.size);
    this.compareRoots();
  }

  get settled(): boolean {
    return this.verdict !== undefined;
  }

  /** One line of the export, without its newline. */
  push(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    this.pushLine(bytes, 0, bytes.length);
  }

  /** The line `bytes[start, end)`, without its newline: how `feed` hands over lines, never making a string of one. */
  pushLine(bytes: Buffer, start: number, end: number): void {
    if (this.verdict || end <= start) return;
    const line = parseLine(bytes, start, end);
    if (this.gap) return this.lookForGap(line);
    const expected = this.frontier.size;
    if (!line) return this.fail(expected, 'malformed', 'the line is not an export line');
    if (line.index > expected) {
      this.gap = { at: expected, wantedIndex: expected, detail: `the line after index ${expected - 1} has index ${line.index}` };
      return;
    }
    if (line.index < expected) return this.fail(expected, 'inserted', `a line repeats index ${line.index}`);

    const decoded = this.decode(line.canonical);
    if (!decoded) return this.fail(expected, 'malformed', 'canonical is not padded base64 (RFC 4648)');
    const [prefixed, canonical] = decoded;
    // The event hash is compared as hex, the export's form, so a hash in any other spelling fails too.
    const eventHash = sha256Hex(canonical);
    if (!bytesSpell(line.hashSource, line.hashStart, line.hashEnd, eventHash)) {
      return this.fail(expected, 'altered', 'the canonical bytes do not hash to the eventHash');
    }
    const link = chainLink(canonical);
    if (!link) return this.fail(expected, 'malformed', 'the canonical bytes are not an event envelope');
    if (!this.extendsStream(expected, canonical, link, eventHash)) return;
    const leaf = leafHashInPlace(prefixed);
    if (!this.followLoggedLeaf(expected, leaf, line.leafHash)) return;
    this.frontier.append(leaf, this.onNode);
    if (this.frontier.size === this.nextCheckpointSize) this.compareRoots();
  }

  finish(): Verdict {
    const size = this.frontier.size;
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (this.gap) this.fail(this.gap.at, 'missing', this.gap.detail);
    if (last && size < last.size) this.fail(size, 'missing', `the export ends at ${size} events, the checkpoint covers ${last.size}`);
    return this.verdict ?? { ok: true, size, rootHash: this.frontier.root() };
  }

  private extendsStream(index: number, canonical: Buffer, link: ChainLink, eventHash: string): boolean {
    const stream = this.streams.slotOf(canonical, link.streamStart, link.streamEnd);
    const last = this.streams.revision(stream);
    if (link.revision > last + 1) {
      this.gap = {
        at: index,
        stream: canonical.toString('latin1', link.streamStart, link.streamEnd),
        wantedRevision: last + 1,
        detail: `revision ${link.revision} of its stream comes where revision ${last + 1} belongs`,
      };
      return false;
    }
    if (link.revision <= last) {
      this.fail(index, 'inserted', `revision ${link.revision} of its stream was already in the log`);
      return false;
    }
    if (!this.streams.chainsOnto(stream, canonical, link.prevStart, link.prevEnd)) {
      // Either the stream's previous event changed after this one was chained to it, or this one did: name the earlier.
      const previous = this.streams.index(stream);
      this.fail(previous >= 0 ? previous : index, 'altered', `index ${index} does not chain onto the previous event of its stream (index ${previous})`);
      return false;
    }
    this.streams.advance(stream, link.revision, index, eventHash);
    return true;
  }

  /** Grows the tree of the log's own leaf hashes once they part from the events' (see the file's comment). */
  private followLoggedLeaf(index: number, leaf: BinaryHash, leafHash: string | undefined): boolean {
    if (leafHash === undefined) {
      this.everyLineLogged = false;
      return true;
    }
    if (this.loggedLeaf.write(leafHash, 'hex') !== HASH_BYTES) {
      this.fail(index, 'malformed', 'the leafHash is not 64 hex digits');
      return false;
    }
    const logged = this.loggedLeaf.toString('latin1');
    const parting = this.parting;
    if (!parting) {
      if (leaf === logged) return true;
      this.parting = { index, logged: this.frontier.copy(), eventLeaf: leaf, loggedLeaf: logged, eventBelongsLater: false, loggedEventComesLater: false };
    } else {
      // Where the two events at the parting index turn up later tells a move from an insertion.
      parting.eventBelongsLater ||= logged === parting.eventLeaf;
      parting.loggedEventComesLater ||= leaf === parting.loggedLeaf;
    }
    this.parting?.logged.append(logged);
    return true;
  }

  private lookForGap(line: Line | undefined): void {
    const gap = this.gap;
    if (!gap || !line) return;
    const found =
      'wantedIndex' in gap
        ? line.index === gap.wantedIndex
        : (() => {
            const decoded = this.decode(line.canonical);
            const link = decoded && chainLink(decoded[1]);
            return !!link && link.revision === gap.wantedRevision && bytesSpell(decoded[1], link.streamStart, link.streamEnd, gap.stream);
          })();
    if (found) this.fail(gap.at, 'reordered', `${gap.detail}; it comes later in the export`);
  }

  /**
   * Decodes base64 one byte into the scratch buffer, leaving byte 0 for the leaf prefix (see leafHashInPlace), and
   * returns views of it with and without that byte: kept per length, since a view is an object and most lines
   * share a handful of lengths.
   */
  private decode(base64: string): [prefixed: Buffer, canonical: Buffer] | undefined {
    const expected = paddedBase64Bytes(base64);
    if (expected < 0) return undefined;
    const needed = 1 + expected;
    if (this.scratch.length < needed || this.views.size > MAX_VIEWS) {
      this.scratch = Buffer.allocUnsafe(Math.max(this.scratch.length, needed * 2));
      this.views.clear();
    }
    const written = this.scratch.write(base64, 1, 'base64');
    // Node skips characters that are not base64; one skipped makes the output shorter, so none slips through.
    if (written !== expected) return undefined;
    let views = this.views.get(written);
    if (!views) {
      views = [this.scratch.subarray(0, 1 + written), this.scratch.subarray(1, 1 + written)];
      this.views.set(written, views);
    }
    return views;
  }

  /** Compares the roots of the checkpoints of the export's size so far; none is due before `nextCheckpointSize`. */
  private compareRoots(): void {
    const size = this.frontier.size;
    this.nextCheckpointSize = this.checkpoints.find((checkpoint) => checkpoint.size > size)?.size ?? -1;
    for (const checkpoint of this.checkpoints) {
      if (checkpoint.size !== size) continue;
      const parting = this.everyLineLogged ? this.parting : undefined;
      if (this.frontier.root().equals(checkpoint.rootHash)) {
        this.matchedSize = size;
        if (parting) {
          const detail = "the log's leaf hash is not the event's, whose root the checkpoint confirms: the log's stored tree changed";
          this.fail(parting.index, 'altered', detail);
        }
      } else if (parting?.logged.root().equals(checkpoint.rootHash)) {
        const [problem, what]: [Problem, string] = parting.eventBelongsLater
          ? ['reordered', 'an event the signed log holds later is']
          : parting.loggedEventComesLater
            ? ['inserted', 'an event was put in']
            : ['altered', 'another event is'];
        this.fail(parting.index, problem, `${what} where the signed log holds another (its leaf hashes match the checkpoint)`);
      } else {
        this.fail(null, 'root-mismatch', `the first ${size} events do not hash to the root of the checkpoint of size ${size}`, {
          from: this.matchedSize,
          to: size,
        });
      }
    }
  }

  /** Only the first failure counts: later ones may be its consequences. */
  private fail(index: number | null, problem: Problem, detail: string, within?: { from: number; to: number }): void {
    this.verdict ??= within ? { ok: false, index, problem, detail, within } : { ok: false, index, problem, detail };
  }
}

export async function verifyExport(
  lines: AsyncIterable<string> | Iterable<string>,
  checkpoints: readonly Checkpoint[],
): Promise<Verdict> {
  const verifier = new ExportVerifier(checkpoints);
  for await (const line of lines) {
    verifier.push(line);
    if (verifier.settled) break;
  }
  return verifier.finish();
}

/** For two checkpoints an export does not both reach: the newer log extends the older one (RFC 9162 2.1.4.2). */
export function checkpointsConsistent(older: Checkpoint, newer: Checkpoint, proof: readonly Uint8Array[]): boolean {
  return (
    older.origin === newer.origin &&
    verifyConsistency(older.size, newer.size, proof, older.rootHash, newer.rootHash)
  );
}
