import { HASH_BYTES, type NodeId, type NodeReader, type NodeSink } from '../integrity/merkle';

/**
 * Every node of a tree being built, one contiguous buffer per level (no object per hash): what the online
 * verifier keeps of an export (about 64 bytes per event) to compute any prefix's root in O(log n).
 */
export class PackedNodes implements NodeReader {
  private readonly levels: Buffer[] = [];
  /** Nodes written per level: a level fills left to right. */
  private readonly counts: number[] = [];

  /** `expectedLeaves` sizes the buffers up front; more leaves still fit. */
  constructor(private readonly expectedLeaves = 1024) {}

  readonly put: NodeSink = (level, index, hash) => {
    const offset = index * HASH_BYTES;
    let buffer = this.levels[level] ?? this.allocate(level, offset + HASH_BYTES);
    if (buffer.length < offset + HASH_BYTES) buffer = this.allocate(level, 2 * (offset + HASH_BYTES));
    hash.copy(buffer, offset);
    this.counts[level] = Math.max(this.counts[level] ?? 0, index + 1);
  };

  getNodes(ids: readonly NodeId[]): Buffer[] {
    return ids.map(({ level, index }) => {
      const offset = index * HASH_BYTES;
      const buffer = this.levels[level];
      if (!buffer || index >= (this.counts[level] ?? 0)) throw new Error(`No node at level ${level}, index ${index}`);
      return buffer.subarray(offset, offset + HASH_BYTES);
    });
  }

  private allocate(level: number, atLeast: number): Buffer {
    const expected = Math.ceil(this.expectedLeaves / 2 ** level) * HASH_BYTES;
    const buffer = Buffer.alloc(Math.max(atLeast, expected));
    this.levels[level]?.copy(buffer);
    this.levels[level] = buffer;
    return buffer;
  }
}
