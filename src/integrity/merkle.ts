import { createHash, hash } from 'node:crypto';

/**
 * Merkle tree hashing exactly as RFC 6962 / RFC 9162 section 2.1 (SHA-256, 0x00 leaf and 0x01 node prefixes), so
 * that any independent tool can check our roots and proofs.
 *
 * Proofs are generated from stored perfect-subtree hashes, never from the leaves: a node `(level, index)` is the
 * root of the perfect subtree over leaves `[index * 2^level, (index + 1) * 2^level)`. Every root, inclusion proof
 * and consistency proof needs O(log n) of them, fetched in one batch from a `NodeReader`.
 */

export const HASH_BYTES = 32;
/** A SHA-256 in hex, as eventHash, leafHash and prevEventHash are written. */
export const HEX_HASH_LENGTH = 2 * HASH_BYTES;

export const EMPTY_TREE_ROOT: Buffer = createHash('sha256').digest();

/** One-shot hashing of a prefixed copy: cheaper than a streaming hash object over prefix and leaf. */
export function leafHash(leaf: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([LEAF_PREFIX, leaf]), 'buffer');
}

/**
 * A hash as a 32-character latin1 ("binary") string: Node returns a digest as a string far cheaper than as a
 * Buffer (an object per digest costs more than hashing 65 bytes), which is what keeps a verifier near raw speed.
 */
export type BinaryHash = string;

/**
 * Leaf hash of `prefixed.subarray(1)`, where byte 0 is a slot this function sets to the leaf prefix: a reader that
 * decodes a leaf one byte into its buffer gets the leaf hash without copying the leaf.
 */
export function leafHashInPlace(prefixed: Buffer): BinaryHash {
  prefixed[0] = 0x00;
  return hash('sha256', prefixed, 'binary');
}

const LEAF_PREFIX = Buffer.from([0x00]);
// One scratch buffer for `0x01 || left || right`: hashing it in one call beats a streaming hash object.
const nodeInput = Buffer.alloc(1 + 2 * HASH_BYTES, 0x01);

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_BYTES);
  return hash('sha256', nodeInput, 'buffer');
}

/** The root of the perfect subtree over leaves `[index * 2^level, (index + 1) * 2^level)`. */
export interface NodeId {
  level: number;
  index: number;
}

/** Where stored perfect-subtree hashes come from (PostgreSQL, memory); returns them in the order asked. */
export interface NodeReader {
  getNodes(ids: readonly NodeId[]): readonly Buffer[] | Promise<readonly Buffer[]>;
}

/** A leaf range `[begin, end)` whose RFC 6962 subtree hash (MTH) a proof or root needs. */
interface LeafRange {
  begin: number;
  end: number;
}

/** The perfect subtrees that tile `[begin, end)`, left to right, largest first where aligned. */
export function perfectSubtrees(begin: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let at = begin;
  while (at < end) {
    let size = 1;
    while (at % (size * 2) === 0 && at + size * 2 <= end) size *= 2;
    nodes.push({ level: Math.log2(size), index: at / size });
    at += size;
  }
  return nodes;
}

/** The nodes a tree of `size` leaves keeps to grow and to compute its root: its frontier, left to right. */
export function frontierNodes(size: number): NodeId[] {
  return perfectSubtrees(0, size);
}

/** Largest power of two strictly below n (n >= 2): RFC 6962's split point k. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 6962 PATH(index, D[0:size]) as the ranges whose MTH makes each proof element, leaf side first. */
function inclusionRanges(index: number, size: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  let begin = 0;
  let end = size;
  while (end - begin > 1) {
    const k = splitPoint(end - begin);
    if (index < begin + k) {
      ranges.push({ begin: begin + k, end });
      end = begin + k;
    } else {
      ranges.push({ begin, end: begin + k });
      begin += k;
    }
  }
  return ranges.reverse();
}

/** RFC 6962 PROOF(from, D[0:to]) = SUBPROOF(from, D[0:to], true) as ranges, leaf side first. */
function consistencyRanges(from: number, to: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  if (from <= 0 || from >= to) return ranges;
  let begin = 0;
  let end = to;
  let m = from;
  let whole = true; // SUBPROOF's flag: the subtree [begin, begin + m) is the old tree itself
  while (m !== end - begin) {
    const k = splitPoint(end - begin);
    if (m <= k) {
      ranges.push({ begin: begin + k, end });
      end = begin + k;
    } else {
      ranges.push({ begin, end: begin + k });
      begin += k;
      m -= k;
      whole = false;
    }
  }
  if (!whole) ranges.push({ begin, end });
  return ranges.reverse();
}

/** Hashes each range from one batched read of the perfect subtrees that tile them. */
async function rangeHashes(reader: NodeReader, ranges: readonly LeafRange[]): Promise<Buffer[]> {
  const tilings = ranges.map((range) => perfectSubtrees(range.begin, range.end));
  const nodes = await reader.getNodes(tilings.flat());
  if (nodes.length !== tilings.reduce((count, tiling) => count + tiling.length, 0)) {
    throw new Error('Node reader returned the wrong number of nodes');
  }
  let next = 0;
  return tilings.map((tiling) => {
    const hashes = nodes.slice(next, next + tiling.length);
    next += tiling.length;
    return foldRight(hashes, nodeHash);
  });
}

/** MTH of a range tiled by perfect subtrees (largest first): each left one is a sibling of all those to its right. */
function foldRight<H>(hashes: readonly H[], combine: (left: H, right: H) => H): H {
  let root = hashes[hashes.length - 1] as H;
  for (let i = hashes.length - 2; i >= 0; i--) root = combine(hashes[i] as H, root);
  return root;
}

export async function rootHash(reader: NodeReader, size: number): Promise<Buffer> {
  if (size === 0) return EMPTY_TREE_ROOT;
  const [root] = await rangeHashes(reader, [{ begin: 0, end: size }]);
  return root;
}

export async function inclusionProof(reader: NodeReader, index: number, size: number): Promise<Buffer[]> {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`No leaf ${index} in a tree of size ${size}`);
  }
  return rangeHashes(reader, inclusionRanges(index, size));
}

export async function consistencyProof(reader: NodeReader, from: number, to: number): Promise<Buffer[]> {
  if (!Number.isSafeInteger(from) || from < 0 || from > to) {
    throw new RangeError(`No consistency proof from size ${from} to size ${to}`);
  }
  return rangeHashes(reader, consistencyRanges(from, to));
}

const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** RFC 9162 section 2.1.3.2. */
export function verifyInclusion(leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (index < 0 || index >= size || leaf.length !== HASH_BYTES || !proof.every(isHash)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 section 2.1.4.2, with the trivial cases (empty old tree, equal sizes) of its section 2.1.4. */
export function verifyConsistency(fromSize: number, toSize: number, proof: readonly Uint8Array[], fromRoot: Uint8Array, toRoot: Uint8Array): boolean {
  if (fromSize < 0 || fromSize > toSize || !proof.every(isHash)) return false;
  if (fromSize === toSize) return proof.length === 0 && Buffer.from(fromRoot).equals(toRoot);
  if (fromSize === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(fromSize) ? [fromRoot, ...proof] : proof;
  let fn = fromSize - 1;
  let sn = toSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]);
  let sr: Buffer = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(fromRoot) && sr.equals(toRoot);
}

const isHash = (bytes: Uint8Array): boolean => bytes.length === HASH_BYTES;

function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

/** Called for every perfect subtree a new leaf completes, the leaf itself (level 0) first. */
export type NodeSink = (level: number, index: number, hash: Buffer) => void;

function binaryNodeHash(left: BinaryHash, right: BinaryHash): BinaryHash {
  // One write of both (a concatenation is not copied until written): a call into Buffer costs more than the copy.
  nodeInput.write(left + right, 1, 'latin1');
  return hash('sha256', nodeInput, 'binary');
}

/**
 * The compact range [0, size): the roots of the perfect subtrees that tile the tree, largest first. Enough to
 * append leaves in O(1) amortised hashing and to compute the root, without the rest of the tree. Held as
 * BinaryHashes; a sink, when given, sees Buffers.
 */
export class Frontier {
  private constructor(
    private treeSize: number,
    private readonly hashes: BinaryHash[],
  ) {}

  static empty(): Frontier {
    return new Frontier(0, []);
  }

  /** Resumes a tree from its stored frontier: the hashes of `frontierNodes(size)`, in that order. */
  static restore(size: number, hashes: readonly Buffer[]): Frontier {
    if (hashes.length !== frontierNodes(size).length) throw new Error(`A tree of size ${size} has another frontier`);
    return new Frontier(
      size,
      hashes.map((hash) => hash.toString('latin1')),
    );
  }

  get size(): number {
    return this.treeSize;
  }

  /** An independent frontier of the same tree, to grow another way from here. */
  copy(): Frontier {
    return new Frontier(this.treeSize, [...this.hashes]);
  }

  append(leaf: Buffer | BinaryHash, sink?: NodeSink): void {
    let node = typeof leaf === 'string' ? leaf : leaf.toString('latin1');
    let index = this.treeSize;
    let level = 0;
    sink?.(level, index, Buffer.from(node, 'latin1'));
    // A right child (odd index) completes its parent with the left sibling on top of the frontier.
    while (isOdd(index)) {
      node = binaryNodeHash(this.hashes.pop() as BinaryHash, node);
      index = (index - 1) / 2;
      level += 1;
      sink?.(level, index, Buffer.from(node, 'latin1'));
    }
    this.hashes.push(node);
    this.treeSize += 1;
  }

  root(): Buffer {
    return this.treeSize === 0 ? EMPTY_TREE_ROOT : Buffer.from(foldRight(this.hashes, binaryNodeHash), 'latin1');
  }
}

/** Perfect-subtree hashes in memory: for tests and for building small trees. */
export class MemoryNodeStore implements NodeReader {
  private readonly levels: Buffer[][] = [];

  readonly put: NodeSink = (level, index, hash) => {
    (this.levels[level] ??= [])[index] = hash;
  };

  getNodes(ids: readonly NodeId[]): Buffer[] {
    return ids.map(({ level, index }) => {
      const node = this.levels[level]?.[index];
      if (!node) throw new Error(`No node at level ${level}, index ${index}`);
      return node;
    });
  }
}
