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
    line = JSON.parse(text) ?? {};
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

/** What the chain check reads of an event, with the members the store writes beside them. */
interface Envelope {
  streamId: string;
  streamRevision: number;
  prevEventHash: string;
}

function isEnvelope(event: unknown): event is Envelope {
  if (typeof event !== 'object' || event === null) return false;
  const { streamId, streamRevision, prevEventHash, type, schemaVersion, recordedAt } = event as Record<string, unknown>;
  return (
    typeof streamId === 'string' &&
    isCount(streamRevision) &&
    typeof prevEventHash === 'string' &&
    prevEventHash.length === HEX_HASH_LENGTH &&
    typeof type === 'string' &&
    isCount(schemaVersion) &&
    typeof recordedAt === 'string'
  );
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** How many bytes padded base64 (RFC 4648) of this length decodes to; -1 if no such base64 has this length. */
function paddedBase64Bytes(base64: string): number {
  if (base64.length % 4 !== 0) return -1;
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

const LEAF_HASH = /^[0-9a-f]{64}$/i;
const NOT_ITS_HASH = 'the canonical bytes do not hash to the eventHash';
const NOT_AN_ENVELOPE = 'the canonical bytes are not an event envelope';

/** Where a stream's chain stands: its last event's revision and hash, and that event's index in the export. */
interface PlacedHead extends StreamHead {
  index: number;
}

const NO_EVENT_YET: Readonly<PlacedHead> = { ...NEW_STREAM_HEAD, index: -1 };

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
  private readonly checkpoints: Checkpoint[];
  /**
   * Per stream id, where its chain stands. V8 hashes strings under a random seed per process, so an export cannot
   * choose ids that make these lookups slow.
   */
  private readonly heads = new Map<string, PlacedHead>();
  private gap: Gap | undefined;
  private verdict: Verdict | undefined;
  /**
   * Where each event's bytes are decoded, one byte in: byte 0 is left for the leaf prefix, so the leaf hash is
   * taken without copying the event (see leafHashInPlace). Grows with the longest event.
   */
  private input = Buffer.alloc(1 << 16);
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
    if (this.verdict || text.length === 0) return;
    const line = parseLine(text);
    if (this.gap) return this.lookForGap(line);
    const expected = this.frontier.size;
    if (!line) return this.fail(expected, 'malformed', 'the line is not an export line');
    if (line.index > expected) {
      this.gap = { at: expected, wantedIndex: expected, detail: `the line after index ${expected - 1} has index ${line.index}` };
      return;
    }
    if (line.index < expected) return this.fail(expected, 'inserted', `a line repeats index ${line.index}`);

    const prefixed = this.decode(line.canonical);
    if (!prefixed) return this.fail(expected, 'malformed', 'canonical is not padded base64 (RFC 4648)');
    const canonical = prefixed.subarray(1);
    // Compared as hex, the export's form, so a hash in any other spelling fails too.
    const eventHash = hash('sha256', canonical, 'hex');
    if (eventHash !== line.eventHash) return this.fail(expected, 'altered', NOT_ITS_HASH);
    const json = parseCanonical(canonical);
    if (!json) return this.fail(expected, 'malformed', NOT_AN_ENVELOPE);
    // The store writes no other bytes for an event: other bytes for the same JSON were written by someone else.
    if (!json.canonical) return this.fail(expected, 'altered', 'the canonical bytes are not the RFC 8785 form of their JSON');
    if (!isEnvelope(json.value)) return this.fail(expected, 'malformed', NOT_AN_ENVELOPE);
    if (!this.extendsStream(expected, json.value, eventHash)) return;
    const leaf = leafHashInPlace(prefixed);
    if (!this.followLoggedLeaf(expected, leaf, line.leafHash)) return;
    this.frontier.append(leaf, this.onNode);
    if (this.frontier.size === this.nextCheckpointSize) this.compareRoots();
  }

  /** The line `bytes[start, end)`, without its newline: how `feed` hands over lines, where they lie in its chunks. */
  pushLine(bytes: Buffer, start: number, end: number): void {
    if (!this.verdict) this.push(bytes.toString('utf8', start, end));
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

  private lookForGap(line: Line | undefined): void {
    const gap = this.gap;
    if (!gap || !line) return;
    let found: boolean;
    if ('wantedIndex' in gap) {
      found = line.index === gap.wantedIndex;
    } else {
      const prefixed = this.decode(line.canonical);
      const event = prefixed && parseCanonical(prefixed.subarray(1))?.value;
      found = isEnvelope(event) && event.streamRevision === gap.wantedRevision && event.streamId === gap.stream;
    }
    if (found) this.fail(gap.at, 'reordered', `${gap.detail}; it comes later in the export`);
  }

  /** The event's bytes behind a free byte (see `input`), or undefined if `base64` is not exactly padded base64. */
  private decode(base64: string): Buffer | undefined {
    const length = paddedBase64Bytes(base64);
    if (length < 0) return undefined;
    if (1 + length > this.input.length) this.input = Buffer.alloc(2 * (1 + length));
    // Node skips characters that are not base64; one skipped makes the output shorter, so none slips through.
    if (this.input.write(base64, 1, length, 'base64') !== length) return undefined;
    return this.input.subarray(0, 1 + length);
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
