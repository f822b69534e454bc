import { hash } from 'node:crypto';
import type { Checkpoint } from './checkpoint';
import { Frontier, HASH_BYTES, HEX_HASH_LENGTH, leafHashInPlace, verifyConsistency, type BinaryHash, type NodeSink } from './merkle';
import { Extension, StreamHeads } from './stream-heads';

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
 * the input, as bytes; only its values become a string (Node decodes base64 from strings). The line has a fixed
 * layout (`exportLine`); other layouts fall back to JSON.parse. Each event is decoded into the memory of
 * `StreamHeads`, which checks there, in WebAssembly, that the line's eventHash spells the event's hash and that the
 * event follows its stream's last one: it reads only the envelope's last members (RFC 8785's sorted keys put
 * prevEventHash, recordedAt, schemaVersion, streamId, streamRevision and type at the end); the event hash and the
 * Merkle root cover the rest.
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
  /** The eventHash the line claims, as the latin1 characters of its bytes (one character per byte). */
  eventHash: string;
  /** Hex, as the log holds it; absent in older exports. */
  leafHash?: string;
}

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
  // One string for all three values, sliced (a slice shares the string's characters): a call into Buffer costs
  // more than copying the keys between them.
  const text = bytes.toString('latin1', canonical, leafEnd);
  const hashAt = hashKey + EVENT_HASH.length - canonical;
  return {
    index,
    canonical: text.slice(0, hashKey - canonical),
    eventHash: text.slice(hashAt, hashAt + HEX_HASH_LENGTH),
    leafHash: withLeaf ? text.slice(text.length - HEX_HASH_LENGTH) : undefined,
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
      // Byte for byte, as the fast path reads it: a look-alike of a hex digit (say U+0161, whose low byte is "a")
      // becomes two characters, and no hash is spelled with it.
      return { index: index as number, canonical, eventHash: Buffer.from(eventHash, 'utf8').toString('latin1'), leafHash };
    }
  } catch {
    // malformed: reported by the caller
  }
  return undefined;
}

/** Whether `key` is at `at` in `bytes`: for keys this short, a loop beats a call into Buffer.compare. */
function bytesAt(bytes: Buffer, at: number, key: Buffer): boolean {
  for (let i = 0; i < key.length; i++) if (bytes[at + i] !== key[i]) return false;
  return true;
}

const NOT_ITS_HASH = 'the canonical bytes do not hash to the eventHash';

/** Views of the input kept at most (one per distinct line length). */
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
  private readonly checkpoints: Checkpoint[];
  private gap: Gap | undefined;
  private verdict: Verdict | undefined;
  /** Views of the input in the heads' memory, per line length; for this memory and input address. */
  private readonly views = new Map<number, [Buffer, Buffer]>();
  private viewed: { memory: Buffer; at: number } = { memory: Buffer.alloc(0), at: -1 };
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

  private constructor(
    checkpoints: readonly Checkpoint[],
    private readonly streams: StreamHeads,
    private readonly onNode?: NodeSink,
  ) {
    this.checkpoints = [...checkpoints].sort((a, b) => a.size - b.size);
    this.compareRoots();
  }

  /** `onNode` sees every tree node the export's leaves make, for keeping the tree (to locate a root mismatch). */
  static async create(checkpoints: readonly Checkpoint[], onNode?: NodeSink): Promise<ExportVerifier> {
    return new ExportVerifier(checkpoints, await StreamHeads.create(), onNode);
  }

  get settled(): boolean {
    return this.verdict !== undefined;
  }

  /** One line of the export, without its newline. */
  push(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    this.pushLine(bytes, 0, bytes.length);
  }

  /** The line `bytes[start, end)`, without its newline: how `feed` hands over lines, where they lie in its chunks. */
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
    if (line.eventHash.length !== HEX_HASH_LENGTH) return this.fail(expected, 'altered', NOT_ITS_HASH);
    const eventHash = hash('sha256', canonical, 'binary');
    // Both hashed before the chain check, which may grow the memory under the views.
    const leaf = leafHashInPlace(prefixed);
    if (!this.extendsStream(expected, canonical, eventHash, line)) return;
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

  private extendsStream(index: number, canonical: Buffer, eventHash: BinaryHash, line: Line): boolean {
    const streams = this.streams;
    const answer = streams.extend(canonical.byteOffset, canonical.length, index, eventHash, line.eventHash);
    if (answer === Extension.extended) return true;
    if (answer === Extension.notItsHash) {
      this.fail(index, 'altered', NOT_ITS_HASH);
    } else if (answer === Extension.notAnEnvelope) {
      this.fail(index, 'malformed', 'the canonical bytes are not an event envelope');
    } else if (answer === Extension.ahead) {
      const [revision, last] = [streams.revision(), streams.lastRevision()];
      this.gap = {
        at: index,
        stream: streams.streamId(),
        wantedRevision: last + 1,
        detail: `revision ${revision} of its stream comes where revision ${last + 1} belongs`,
      };
    } else if (answer === Extension.repeated) {
      this.fail(index, 'inserted', `revision ${streams.revision()} of its stream was already in the log`);
    } else {
      // Either the stream's previous event changed after this one was chained to it, or this one did: name the earlier.
      const previous = streams.lastIndex();
      this.fail(previous >= 0 ? previous : index, 'altered', `index ${index} does not chain onto the previous event of its stream (index ${previous})`);
    }
    return false;
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
            const canonical = this.decode(line.canonical)?.[1];
            const streams = this.streams;
            return (
              !!canonical &&
              streams.parse(canonical.byteOffset, canonical.length) &&
              streams.revision() === gap.wantedRevision &&
              streams.streamId() === gap.stream
            );
          })();
    if (found) this.fail(gap.at, 'reordered', `${gap.detail}; it comes later in the export`);
  }

  /**
   * Decodes base64 into the heads' input, one byte in, leaving byte 0 for the leaf prefix (see leafHashInPlace),
   * and returns views of it with and without that byte: kept per length, since a view is an object and most
   * lines share a handful of lengths.
   */
  private decode(base64: string): [prefixed: Buffer, canonical: Buffer] | undefined {
    const expected = paddedBase64Bytes(base64);
    if (expected < 0) return undefined;
    const at = this.streams.input(1 + expected);
    const memory = this.streams.memory;
    if (memory !== this.viewed.memory || at !== this.viewed.at || this.views.size > MAX_VIEWS) {
      this.views.clear();
      this.viewed = { memory, at };
    }
    const written = memory.write(base64, at + 1, expected, 'base64');
    // Node skips characters that are not base64; one skipped makes the output shorter, so none slips through.
    if (written !== expected) return undefined;
    let views = this.views.get(written);
    if (!views) {
      views = [memory.subarray(at, at + 1 + written), memory.subarray(at + 1, at + 1 + written)];
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
  const verifier = await ExportVerifier.create(checkpoints);
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
