import { hash } from 'node:crypto';
import { NEW_STREAM_HEAD, parseCanonical, type StreamHead } from './canonical';
import type { Checkpoint } from './checkpoint';
import { Frontier, HEX_HASH_LENGTH, leafHashInPlace, verifyConsistency, type BinaryHash, type NodeSink } from './merkle';

/**
 * The offline verifier's core: replays an export (NDJSON, one line per leaf of the global Merkle log,
 * `{"index":i,"canonical":"<base64 canonical bytes>","eventHash":"<hex>","leafHash":"<hex>"}`) and names the
 * first index that is wrong. Line by line, it checks that:
 * - the index is the next one;
 * - `canonical` is padded base64 (RFC 4648) and `eventHash` is the SHA-256 of its bytes, in lower-case hex;
 * - those bytes are exactly the RFC 8785 form of their JSON, as the store writes every event;
 * - they are an event envelope that follows its stream's last event: the next revision, its prevEventHash that
 *   event's hash (64 zeros for a stream's first);
 * - the tree of the events' leaf hashes has each signed checkpoint's root when it reaches the checkpoint's size.
 *
 * `leafHash` is the leaf hash the Merkle log itself holds for the index. Nothing is taken on trust from it: where
 * it parts from the event's own leaf hash, the verifier grows a second tree from the log's hashes, and only if
 * that tree's root is the signed one does it name the index where they parted, which a change that keeps every
 * line self-consistent (a row inserted, a replaced last event of a stream) otherwise leaves unplaced. Lines
 * without it (older exports) verify as before.
 */

export type Problem = 'altered' | 'missing' | 'inserted' | 'reordered' | 'malformed' | 'root-mismatch';

export type Verdict =
  | { ok: true; size: number; rootHash: Buffer }
  /**
   * `index` is null when only a root shows the change, which the leaves alone cannot place; `within` then bounds
   * it between the largest checkpoint whose root matched (or 0) and the one that did not.
   */
  | { ok: false; index: number | null; problem: Problem; detail: string; within?: { from: number; to: number } };

/** One export line, with its newline, as the server writes it. */
export function exportLine(index: number, canonical: Buffer, eventHash: string, leafHash?: Buffer): string {
  const logged = leafHash ? `,"leafHash":"${leafHash.toString('hex')}"` : '';
  return `{"index":${index},"canonical":"${canonical.toString('base64')}","eventHash":"${eventHash}"${logged}}\n`;
}

interface Line {
  index: number;
  /** Base64 of the canonical bytes. */
  canonical: string;
  eventHash: string;
  /** Hex, as the log holds it; absent in older exports. */
  leafHash?: string;
}

/** The line's members, if it is an object of these and no others. */
function parseLine(text: string): Line | undefined {
  let line: Partial<Record<keyof Line, unknown>>;
  try {
    line = (JSON.parse(text) as typeof line | null) ?? {};
  } catch {
    return undefined;
  }
  const { index, canonical, eventHash, leafHash } = line;
  const isLine =
    Number.isSafeInteger(index) &&
    typeof canonical === 'string' &&
    typeof eventHash === 'string' &&
    (leafHash === undefined || typeof leafHash === 'string') &&
    Object.keys(line).length === (leafHash === undefined ? 3 : 4); // and no other members
  return isLine ? (line as Line) : undefined;
}

/** What the chain check reads of an event. */
interface Envelope {
  streamId: string;
  streamRevision: number;
  prevEventHash: string;
}

/** The chain's members of an event envelope (checked with those the store writes beside them); else undefined. */
function envelopeOf(event: unknown): Envelope | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { streamId, streamRevision, prevEventHash, type, schemaVersion, recordedAt } = event as Record<string, unknown>;
  const isEnvelope =
    typeof streamId === 'string' &&
    isCount(streamRevision) &&
    typeof prevEventHash === 'string' &&
    prevEventHash.length === HEX_HASH_LENGTH &&
    typeof type === 'string' &&
    isCount(schemaVersion) &&
    typeof recordedAt === 'string';
  return isEnvelope ? { streamId, streamRevision, prevEventHash } : undefined;
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** How many bytes padded base64 (RFC 4648) of this length decodes to; -1 if no such base64 has this length. */
function paddedBase64Bytes(base64: string): number {
  if (base64.length % 4 !== 0) return -1;
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

/** What is wrong with a line's event, seen on its own. */
interface Fault {
  problem: 'altered' | 'malformed';
  detail: string;
}

const NOT_BASE64: Fault = { problem: 'malformed', detail: 'canonical is not padded base64 (RFC 4648)' };
const NOT_ITS_HASH: Fault = { problem: 'altered', detail: 'the canonical bytes do not hash to the eventHash' };
// The store writes no other bytes for an event: other bytes for the same JSON were written by someone else.
const NOT_CANONICAL: Fault = { problem: 'altered', detail: 'the canonical bytes are not the RFC 8785 form of their JSON' };
const NOT_AN_ENVELOPE: Fault = { problem: 'malformed', detail: 'the canonical bytes are not an event envelope' };

/**
 * What one export line tells on its own, before the lines around it are considered: its index, and its event's
 * first fault, or its envelope, hash and leaf hash. The envelope is there for a faulty event too, when its bytes
 * hold one: a gap before it may be looking for it.
 */
export type LineReading =
  | { index: number; fault: Fault; envelope?: Envelope }
  | { index: number; fault?: undefined; envelope: Envelope; eventHash: string; leaf: BinaryHash; leafHash?: string };

/** The line's reading; undefined if it is not an export line. */
export function readLine(text: string): LineReading | undefined {
  const line = parseLine(text);
  if (!line) return undefined;
  const { index } = line;
  const prefixed = decode(line.canonical);
  if (!prefixed) return { index, fault: NOT_BASE64 };
  const canonical = prefixed.subarray(1);
  // Compared as hex, the export's form, so a hash in any other spelling fails too.
  const eventHash = hash('sha256', canonical, 'hex');
  const json = parseCanonical(canonical);
  const envelope = envelopeOf(json?.value);
  const fault = eventHash !== line.eventHash ? NOT_ITS_HASH : !json ? NOT_AN_ENVELOPE : !json.canonical ? NOT_CANONICAL : undefined;
  if (fault || !envelope) return { index, fault: fault ?? NOT_AN_ENVELOPE, envelope };
  return { index, envelope, eventHash, leaf: leafHashInPlace(prefixed), leafHash: line.leafHash };
}

/** The readings of a batch of whole export lines (LF or CRLF), in order; empty lines are skipped. */
export function readLines(batch: Buffer): (LineReading | undefined)[] {
  const readings: (LineReading | undefined)[] = [];
  for (let start = 0; start < batch.length;) {
    let end = batch.indexOf(0x0a, start);
    if (end < 0) end = batch.length;
    const next = end + 1;
    if (end > start && batch[end - 1] === 0x0d) end -= 1;
    if (end > start) readings.push(readLine(batch.toString('utf8', start, end)));
    start = next;
  }
  return readings;
}

/**
 * Where `decode` writes each event's bytes, one byte in: byte 0 is left for the leaf prefix, so the leaf hash is
 * taken without copying the event (see leafHashInPlace). One per thread; grows with the longest event.
 */
let input = Buffer.alloc(1 << 16);

/** The event's bytes behind a free byte (see `input`), or undefined if `base64` is not exactly padded base64. */
function decode(base64: string): Buffer | undefined {
  const length = paddedBase64Bytes(base64);
  if (length < 0) return undefined;
  if (1 + length > input.length) input = Buffer.alloc(2 * (1 + length));
  // Node skips characters that are not base64; one skipped makes the output shorter, so none slips through.
  if (input.write(base64, 1, length, 'base64') !== length) return undefined;
  return input.subarray(0, 1 + length);
}

const LEAF_HASH = /^[0-9a-f]{64}$/i;

/** Where a stream's chain stands: its last event's revision and hash, and that event's index in the export. */
interface PlacedHead extends StreamHead {
  index: number;
}

const NO_EVENT_YET: Readonly<PlacedHead> = { ...NEW_STREAM_HEAD, index: -1 };

/** A gap seen in order: whether what is absent turns up later decides between 'reordered' and 'missing'. */
type Gap = { at: number; wantedIndex: number; detail: string } | { at: number; stream: string; wantedRevision: number; detail: string };

/**
 * Feed it the export's lines in order (`push`), then ask for the verdict (`finish`). Stop feeding early once
 * `settled` is true. Checkpoints are compared when the export reaches their sizes, which also proves that
 * checkpoints of different sizes are consistent (one log extends the other).
 */
export class ExportVerifier {
  private readonly frontier = Frontier.empty();
  private readonly checkpoints: Checkpoint[];
  /**
   * Per stream id, where its chain stands. V8 hashes strings under a random seed per process, so an export cannot
   * choose ids that make these lookups slow.
   */
  private readonly heads = new Map<string, PlacedHead>();
  private gap: Gap | undefined;
  private verdict: Verdict | undefined;
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
    if (!this.verdict && text.length > 0) this.take(readLine(text));
  }

  /** The reading of the export's next line (see `readLines`). */
  take(reading: LineReading | undefined): void {
    if (this.verdict) return;
    if (this.gap) return this.lookForGap(reading);
    const expected = this.frontier.size;
    if (!reading) return this.fail(expected, 'malformed', 'the line is not an export line');
    if (reading.index > expected) {
      this.gap = { at: expected, wantedIndex: expected, detail: `the line after index ${expected - 1} has index ${reading.index}` };
      return;
    }
    if (reading.index < expected) return this.fail(expected, 'inserted', `a line repeats index ${reading.index}`);
    if (reading.fault) return this.fail(expected, reading.fault.problem, reading.fault.detail);
    if (!this.extendsStream(expected, reading.envelope, reading.eventHash)) return;
    if (!this.followLoggedLeaf(expected, reading.leaf, reading.leafHash)) return;
    this.frontier.append(reading.leaf, this.onNode);
    if (this.frontier.size === this.nextCheckpointSize) this.compareRoots();
  }

  finish(): Verdict {
    const size = this.frontier.size;
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (this.gap) this.fail(this.gap.at, 'missing', this.gap.detail);
    if (last && size < last.size) this.fail(size, 'missing', `the export ends at ${size} events, the checkpoint covers ${last.size}`);
    return this.verdict ?? { ok: true, size, rootHash: this.frontier.root() };
  }

  /** Moves the event's stream head to it if it follows that stream's last event; else records why not. */
  private extendsStream(index: number, event: Envelope, eventHash: string): boolean {
    const last = this.heads.get(event.streamId) ?? NO_EVENT_YET;
    if (event.streamRevision > last.revision + 1) {
      this.gap = {
        at: index,
        stream: event.streamId,
        wantedRevision: last.revision + 1,
        detail: `revision ${event.streamRevision} of its stream comes where revision ${last.revision + 1} belongs`,
      };
      return false;
    }
    if (event.streamRevision <= last.revision) {
      this.fail(index, 'inserted', `revision ${event.streamRevision} of its stream was already in the log`);
      return false;
    }
    if (event.prevEventHash !== last.lastHash) {
      // Either the stream's previous event changed after this one was chained to it, or this one did: name the earlier.
      const named = last.index >= 0 ? last.index : index;
      this.fail(named, 'altered', `index ${index} does not chain onto the previous event of its stream (index ${last.index})`);
      return false;
    }
    this.heads.set(event.streamId, { revision: event.streamRevision, lastHash: eventHash, index });
    return true;
  }

  /** Grows the tree of the log's own leaf hashes once they part from the events' (see the file's comment). */
  private followLoggedLeaf(index: number, leaf: BinaryHash, leafHash: string | undefined): boolean {
    if (leafHash === undefined) {
      this.everyLineLogged = false;
      return true;
    }
    if (!LEAF_HASH.test(leafHash)) {
      this.fail(index, 'malformed', 'the leafHash is not 64 hex digits');
      return false;
    }
    const logged: BinaryHash = Buffer.from(leafHash, 'hex').toString('latin1');
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

  private lookForGap(reading: LineReading | undefined): void {
    const gap = this.gap;
    if (!gap || !reading) return;
    const found =
      'wantedIndex' in gap
        ? reading.index === gap.wantedIndex
        : reading.envelope?.streamRevision === gap.wantedRevision && reading.envelope.streamId === gap.stream;
    if (found) this.fail(gap.at, 'reordered', `${gap.detail}; it comes later in the export`);
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

export async function verifyExport(lines: AsyncIterable<string> | Iterable<string>, checkpoints: readonly Checkpoint[]): Promise<Verdict> {
  const verifier = new ExportVerifier(checkpoints);
  for await (const line of lines) {
    verifier.push(line);
    if (verifier.settled) break;
  }
  return verifier.finish();
}

/** For two checkpoints an export does not both reach: the newer log extends the older one (RFC 9162 2.1.4.2). */
export function checkpointsConsistent(older: Checkpoint, newer: Checkpoint, proof: readonly Uint8Array[]): boolean {
  return older.origin === newer.origin && verifyConsistency(older.size, newer.size, proof, older.rootHash, newer.rootHash);
}
