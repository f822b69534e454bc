import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import loadWabt from 'wabt';
import { HASH_BYTES, HEX_HASH_LENGTH } from './merkle';

/**
 * Where each stream's hash chain stands while a verifier reads an export: per stream id, its last revision, the
 * export index of that event and its event hash. Every event of an export looks its stream up and is checked
 * against it; in JavaScript that byte work took half as long as the event's hashing, so it is done in WebAssembly:
 * `stream-heads.wat` (the heads' layout and the checks are described there). It is compiled from that text when
 * first needed, so the source an auditor reads is what runs.
 *
 * The caller decodes each event's canonical bytes into this memory (`input`), then asks `extend` to place the
 * event in its stream's chain.
 */

// The WebAssembly API Node has; TypeScript declares it only with the DOM's types.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: unknown;
  }
  interface Memory {
    readonly buffer: ArrayBuffer;
  }
}

/** What `stream-heads.wat` exports. */
interface Exports {
  memory: WebAssembly.Memory;
  init(key0: number, key1: number, key2: number, key3: number): void;
  sipHash(start: number, end: number, compressionRounds: number, finalRounds: number): bigint;
  eventHashAt(): number;
  input(length: number): number;
  inputAt(): number;
  inputCapacity(): number;
  parse(at: number, length: number): number;
  extend(at: number, length: number, index: number): number;
  streamStart(): number;
  streamEnd(): number;
  revision(): number;
  lastRevision(): number;
  lastIndex(): number;
}

/** `extend`'s answers, as the module numbers them. */
export const Extension = {
  /** The event follows its stream's last one; the stream's head is now this event. */
  extended: 0,
  notAnEnvelope: 1,
  /** Its revision skips some of its stream's: one is missing before it. */
  ahead: 2,
  /** Its revision was seen already. */
  repeated: 3,
  /** Its prevEventHash is not the stream's last event hash (64 lower-case hex digits, zeros before the first). */
  unchained: 4,
  /** The hash its export line claims is not its hash in lower-case hex. */
  notItsHash: 5,
} as const;
export type Extension = (typeof Extension)[keyof typeof Extension];
/** Added to an answer when the memory grew, which detaches every view of it. */
const GREW = 16;

let compiled: Promise<WebAssembly.Module> | undefined;

function compile(): Promise<WebAssembly.Module> {
  return (compiled ??= (async () => {
    const [wabt, text] = await Promise.all([loadWabt(), readFile(join(__dirname, 'stream-heads.wat'), 'utf8')]);
    const parsed = wabt.parseWat('stream-heads.wat', text);
    try {
      parsed.validate();
      return new WebAssembly.Module(parsed.toBinary({}).buffer);
    } finally {
      parsed.destroy();
    }
  })());
}

export class StreamHeads {
  /** The whole memory as bytes: where `input` and the stream ids' addresses point. Renewed when it grows. */
  memory!: Buffer;
  private inputAt = 0;
  private inputCapacity = 0;
  private readonly eventHashAt: number;

  private constructor(
    private readonly module: Exports,
    key: Buffer,
  ) {
    if (key.length !== 16) throw new Error('The stream heads\' key is 16 bytes');
    module.init(key.readUInt32LE(0), key.readUInt32LE(4), key.readUInt32LE(8), key.readUInt32LE(12));
    this.eventHashAt = module.eventHashAt();
    this.renew();
  }

  /** `key` keys the ids' fingerprints (SipHash): random unless a test needs it known. */
  static async create(key = randomBytes(16)): Promise<StreamHeads> {
    return new StreamHeads(new WebAssembly.Instance(await compile(), {}).exports as Exports, key);
  }

  /** Where `length` bytes of input go: an event's canonical bytes, for `extend` or `parse`. */
  input(length: number): number {
    if (length > this.inputCapacity) {
      if (this.module.input(length) & GREW) this.renew();
      this.inputAt = this.module.inputAt();
      this.inputCapacity = this.module.inputCapacity();
    }
    return this.inputAt;
  }

  /**
   * Places the event whose canonical bytes are at [at, at + length), export `index`, in its stream's chain, if
   * `claimed` (the hash its export line claims, one character per byte) spells `eventHash` (its SHA-256, computed
   * by the caller, as a binary string) in lower-case hex: `extended`, or why not (`lastRevision`, `lastIndex` and
   * `streamId` then tell where its stream stands).
   */
  extend(at: number, length: number, index: number, eventHash: string, claimed: string): Extension {
    // Both in one write: the module keeps the claimed hash right after the event's.
    this.memory.write(eventHash + claimed, this.eventHashAt, HASH_BYTES + HEX_HASH_LENGTH, 'latin1');
    const answer = this.module.extend(at, length, index);
    if (answer & GREW) this.renew();
    return (answer & ~GREW) as Extension;
  }

  /** Reads the envelope at [at, at + length) without looking its stream up: false if it is not one. */
  parse(at: number, length: number): boolean {
    return this.module.parse(at, length) === 1;
  }

  /** The last parsed envelope's stream revision. */
  revision(): number {
    return this.module.revision();
  }

  /** The last parsed envelope's stream id, as its canonical JSON string's characters (latin1). */
  streamId(): string {
    return this.memory.toString('latin1', this.module.streamStart(), this.module.streamEnd());
  }

  /**
   * SipHash-c-d of the bytes at [at, at + length) under the key. The index fingerprints ids with SipHash-1-3 and
   * keeps 32 bits.
   */
  sipHash(at: number, length: number, [compressionRounds, finalRounds]: [number, number] = [1, 3]): bigint {
    return BigInt.asUintN(64, this.module.sipHash(at, at + length, compressionRounds, finalRounds));
  }

  /** Revision of the stream's last event before the one `extend` was asked to place, -1 if none. */
  lastRevision(): number {
    return this.module.lastRevision();
  }

  /** Export index of that event, -1 if none. */
  lastIndex(): number {
    return this.module.lastIndex();
  }

  private renew(): void {
    this.memory = Buffer.from(this.module.memory.buffer);
  }
}
