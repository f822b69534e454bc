import { randomInt } from 'node:crypto';
import { HASH_BYTES } from './merkle';

/**
 * Where each stream's hash chain stands while a verifier reads an export: per stream id, its last revision, the
 * export index of that event and its event hash. A million streams must fit and every event looks its stream up,
 * so the heads live in one flat table (open addressing, linear probing) of fixed-size records in typed arrays,
 * rather than a Map of objects and strings: a lookup reads one record and the id's bytes, no string is made for
 * it, and nothing here is garbage for the collector.
 *
 * Stream ids are compared as the bytes of their canonical JSON string (escapes included), which is one-to-one
 * with the id, so nothing is decoded.
 */

// One record of 64 bytes per slot, read through three views of the same memory:
const RECORD_BYTES = 64;
const WORDS = RECORD_BYTES / 4; // Int32 view: [0] fingerprint, [1] id length + 1 (0: a free slot)
const NUMBERS = RECORD_BYTES / 8; // Float64 view: [1] revision, [2] export index, [3] where the id's bytes start
const HASH_AT = 32; // bytes 32-63: the last event hash, binary

const FIRST_CAPACITY = 1 << 12;

/** Lower-case hex digit values, -1 for any other byte: the store writes hashes in lower case only. */
const HEX = new Int8Array(256).fill(-1);
for (let digit = 0; digit < 16; digit++) HEX['0123456789abcdef'.charCodeAt(digit)] = digit;

/** The records, `capacity` (a power of two) of them. */
interface Table {
  capacity: number;
  words: Int32Array;
  numbers: Float64Array;
  bytes: Uint8Array;
}

function emptyTable(capacity: number): Table {
  const memory = new ArrayBuffer(capacity * RECORD_BYTES);
  return { capacity, words: new Int32Array(memory), numbers: new Float64Array(memory), bytes: new Uint8Array(memory) };
}

export class StreamHeads {
  private table = emptyTable(FIRST_CAPACITY);
  private count = 0;
  /** The ids' bytes, one after another. */
  private ids = new Uint8Array(1 << 16);
  private idsLength = 0;
  /** Seeds the fingerprint, so that an export is not easily crafted to pile its streams into one run of slots. */
  private readonly seed = randomInt(2 ** 31);

  /** The slot of the stream whose id is `source[start, end)`; an unseen stream gets one, with no events yet. */
  slotOf(source: Uint8Array, start: number, end: number): number {
    let fingerprint = this.seed ^ 0x811c9dc5; // FNV-1a
    for (let at = start; at < end; at++) fingerprint = Math.imul(fingerprint ^ source[at], 0x01000193);
    const length = end - start;
    const { words, capacity } = this.table;
    for (let slot = fingerprint & (capacity - 1); ; slot = (slot + 1) & (capacity - 1)) {
      const stored = words[slot * WORDS + 1];
      if (stored === 0) return this.add(slot, fingerprint, source, start, length);
      if (stored === length + 1 && words[slot * WORDS] === fingerprint && this.idIs(slot, source, start, length)) return slot;
    }
  }

  /** The stream's last revision, -1 before its first event. */
  revision(slot: number): number {
    return this.table.numbers[slot * NUMBERS + 1];
  }

  /** Export index of the stream's last event, -1 before its first. */
  index(slot: number): number {
    return this.table.numbers[slot * NUMBERS + 2];
  }

  /**
   * Whether `source[start, end)` is the stream's last event hash in lower-case hex (64 zeros before its first
   * event), as an event's prevEventHash must be.
   */
  chainsOnto(slot: number, source: Uint8Array, start: number, end: number): boolean {
    if (end - start !== 2 * HASH_BYTES) return false;
    const { bytes } = this.table;
    const at = slot * RECORD_BYTES + HASH_AT;
    for (let i = 0; i < HASH_BYTES; i++) {
      // A byte that is not a hex digit makes the pair negative, so it never equals a byte.
      if (((HEX[source[start + 2 * i]] << 4) | HEX[source[start + 2 * i + 1]]) !== bytes[at + i]) return false;
    }
    return true;
  }

  /** The stream's new head: its event at `revision`, export `index`, whose hash is `eventHash` (lower-case hex). */
  advance(slot: number, revision: number, index: number, eventHash: string): void {
    const { numbers, bytes } = this.table;
    numbers[slot * NUMBERS + 1] = revision;
    numbers[slot * NUMBERS + 2] = index;
    const at = slot * RECORD_BYTES + HASH_AT;
    for (let i = 0; i < HASH_BYTES; i++) {
      bytes[at + i] = (HEX[eventHash.charCodeAt(2 * i)] << 4) | HEX[eventHash.charCodeAt(2 * i + 1)];
    }
  }

  private add(slot: number, fingerprint: number, source: Uint8Array, start: number, length: number): number {
    if (this.idsLength + length > this.ids.length) {
      const ids = new Uint8Array(Math.max(2 * this.ids.length, this.idsLength + length));
      ids.set(this.ids.subarray(0, this.idsLength));
      this.ids = ids;
    }
    this.ids.set(source.subarray(start, start + length), this.idsLength);
    const { words, numbers } = this.table;
    words[slot * WORDS] = fingerprint;
    words[slot * WORDS + 1] = length + 1;
    numbers[slot * NUMBERS + 1] = -1;
    numbers[slot * NUMBERS + 2] = -1;
    numbers[slot * NUMBERS + 3] = this.idsLength;
    // The hash bytes are zeros already (a new table's memory is), as a first event's prevEventHash must be.
    this.idsLength += length;
    // At most half full, so that runs of taken slots stay short.
    return ++this.count * 2 <= this.table.capacity ? slot : this.grow(slot);
  }

  private idIs(slot: number, source: Uint8Array, start: number, length: number): boolean {
    const at = this.table.numbers[slot * NUMBERS + 3];
    for (let i = 0; i < length; i++) if (this.ids[at + i] !== source[start + i]) return false;
    return true;
  }

  /** Doubles the table; returns where the record at `slot` went. */
  private grow(slot: number): number {
    const old = this.table;
    const table = emptyTable(2 * old.capacity);
    const mask = table.capacity - 1;
    let moved = -1;
    for (let from = 0; from < old.capacity; from++) {
      if (old.words[from * WORDS + 1] === 0) continue;
      let to = old.words[from * WORDS] & mask;
      while (table.words[to * WORDS + 1] !== 0) to = (to + 1) & mask;
      table.bytes.set(old.bytes.subarray(from * RECORD_BYTES, (from + 1) * RECORD_BYTES), to * RECORD_BYTES);
      if (from === slot) moved = to;
    }
    this.table = table;
    return moved;
  }
}
