import fc from 'fast-check';
import {
  EMPTY_TREE_ROOT,
  Frontier,
  MemoryNodeStore,
  consistencyProof,
  frontierNodes,
  inclusionProof,
  leafHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

/**
 * The RFC 6962 reference tree of certificate-transparency's tests, as published in transparency-dev/merkle
 * proof/verify_test.go (leaves, roots of sizes 1..8, inclusion and consistency proofs; the Go vectors number
 * leaves from 1, here from 0).
 */
const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((hex) => Buffer.from(hex, 'hex'));
const roots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map((hex) => Buffer.from(hex, 'hex'));
const inclusionVectors = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const consistencyVectors = [
  { from: 1, to: 1, proof: [] },
  {
    from: 1,
    to: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    from: 6,
    to: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    from: 2,
    to: 5,
    proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'],
  },
  {
    from: 6,
    to: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];
const hexes = (hashes: readonly Buffer[]): string[] => hashes.map((hash) => hash.toString('hex'));
const fromHex = (hashes: readonly string[]): Buffer[] => hashes.map((hex) => Buffer.from(hex, 'hex'));

/** A tree of `size` leaves whose nodes are stored as a log builder would store them. */
function buildTree(leafData: readonly Buffer[]): { store: MemoryNodeStore; frontier: Frontier } {
  const store = new MemoryNodeStore();
  const frontier = Frontier.empty();
  for (const leaf of leafData) frontier.append(leafHash(leaf), store.put);
  return { store, frontier };
}

function flipOneByte(hashes: readonly Buffer[], which: number, at: number): Buffer[] {
  return hashes.map((hash, i) => {
    if (i !== which) return hash;
    const flipped = Buffer.from(hash);
    flipped[at] ^= 0x01;
    return flipped;
  });
}

describe('RFC 6962 reference vectors', () => {
  test('the empty tree hashes to SHA-256 of nothing', async () => {
    expect(EMPTY_TREE_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await rootHash(new MemoryNodeStore(), 0)).toEqual(EMPTY_TREE_ROOT);
    expect(Frontier.empty().root()).toEqual(EMPTY_TREE_ROOT);
  });

  test('roots of sizes 1..8, from the frontier and from stored nodes', async () => {
    const { store } = buildTree(leaves);
    const frontier = Frontier.empty();
    for (let size = 1; size <= 8; size++) {
      frontier.append(leafHash(leaves[size - 1]));
      expect(frontier.root().toString('hex')).toBe(roots[size - 1].toString('hex'));
      expect((await rootHash(store, size)).toString('hex')).toBe(roots[size - 1].toString('hex'));
    }
  });

  test.each(inclusionVectors)('inclusion proof of leaf $index in size $size', async ({ index, size, proof }) => {
    const { store } = buildTree(leaves);
    const generated = await inclusionProof(store, index, size);
    expect(hexes(generated)).toEqual(proof);
    expect(verifyInclusion(leafHash(leaves[index]), index, size, fromHex(proof), roots[size - 1])).toBe(true);
    expect(verifyInclusion(leafHash(leaves[index]), index, size, fromHex(proof), roots[size === 1 ? 1 : 0])).toBe(false);
    expect(verifyInclusion(leafHash(leaves[index]), index + 1, size, fromHex(proof), roots[size - 1])).toBe(false);
    expect(verifyInclusion(leafHash(leaves[index]), index, size * 2, fromHex(proof), roots[size - 1])).toBe(false);
    expect(verifyInclusion(leafHash(leaves[index]), index, size, [...fromHex(proof), roots[0]], roots[size - 1])).toBe(false);
  });

  test.each(consistencyVectors)('consistency proof from $from to $to', async ({ from, to, proof }) => {
    const { store } = buildTree(leaves);
    expect(hexes(await consistencyProof(store, from, to))).toEqual(proof);
    expect(verifyConsistency(from, to, fromHex(proof), roots[from - 1], roots[to - 1])).toBe(true);
    if (from !== to) {
      expect(verifyConsistency(from, to, fromHex(proof), roots[to - 1], roots[from - 1])).toBe(false);
      expect(verifyConsistency(from, to, [], roots[from - 1], roots[to - 1])).toBe(false);
      expect(verifyConsistency(from, to, fromHex(proof).slice(0, -1), roots[from - 1], roots[to - 1])).toBe(false);
    }
  });
});

describe('generated proofs, for random trees', () => {
  const leafData = (count: number) => Array.from({ length: count }, (_, i) => Buffer.from(`leaf ${i}`));
  const treeAndIndex = fc.integer({ min: 1, max: 300 }).chain((size) => fc.record({ size: fc.constant(size), index: fc.integer({ min: 0, max: size - 1 }) }));
  const treeAndSizes = fc.integer({ min: 1, max: 300 }).chain((to) => fc.record({ to: fc.constant(to), from: fc.integer({ min: 0, max: to }) }));

  test('every inclusion proof verifies, and fails with any byte of any element flipped', async () => {
    const { store } = buildTree(leafData(300));
    await fc.assert(
      fc.asyncProperty(treeAndIndex, fc.nat(), fc.nat({ max: 31 }), async ({ size, index }, which, at) => {
        const root = await rootHash(store, size);
        const leaf = leafHash(Buffer.from(`leaf ${index}`));
        const proof = await inclusionProof(store, index, size);
        expect(verifyInclusion(leaf, index, size, proof, root)).toBe(true);
        if (proof.length > 0) {
          expect(verifyInclusion(leaf, index, size, flipOneByte(proof, which % proof.length, at), root)).toBe(false);
        }
        expect(verifyInclusion(flipOneByte([leaf], 0, at)[0], index, size, proof, root)).toBe(false);
      }),
    );
  });

  test('every consistency proof verifies, and fails with any byte of any element flipped', async () => {
    const { store } = buildTree(leafData(300));
    await fc.assert(
      fc.asyncProperty(treeAndSizes, fc.nat(), fc.nat({ max: 31 }), async ({ from, to }, which, at) => {
        const fromRoot = await rootHash(store, from);
        const toRoot = await rootHash(store, to);
        const proof = await consistencyProof(store, from, to);
        expect(verifyConsistency(from, to, proof, fromRoot, toRoot)).toBe(true);
        if (proof.length > 0) {
          expect(verifyConsistency(from, to, flipOneByte(proof, which % proof.length, at), fromRoot, toRoot)).toBe(false);
        }
        if (from > 0 && from < to) {
          expect(verifyConsistency(from, to, proof, flipOneByte([fromRoot], 0, at)[0], toRoot)).toBe(false);
          expect(verifyConsistency(from, to, proof, fromRoot, flipOneByte([toRoot], 0, at)[0])).toBe(false);
        }
      }),
    );
  });

  test('proofs read O(log n) stored nodes', async () => {
    const { store } = buildTree(leafData(300));
    const reads: number[] = [];
    const counting = { getNodes: (ids: Parameters<MemoryNodeStore['getNodes']>[0]) => (reads.push(ids.length), store.getNodes(ids)) };
    await fc.assert(
      fc.asyncProperty(treeAndSizes, async ({ from, to }) => {
        reads.length = 0;
        await rootHash(counting, to);
        if (to > 0) await inclusionProof(counting, Math.max(0, from - 1), to);
        await consistencyProof(counting, from, to);
        const bound = 2 * Math.ceil(Math.log2(to + 1)) + 2;
        for (const count of reads) expect(count).toBeLessThanOrEqual(bound);
      }),
    );
  });

  test('a frontier restored from stored nodes grows into the same tree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 100 }), (cut, more) => {
        const data = leafData(cut + more);
        const { store, frontier: whole } = buildTree(data);
        const resumed = Frontier.restore(cut, store.getNodes(frontierNodes(cut)));
        for (const leaf of data.slice(cut)) resumed.append(leafHash(leaf));
        expect(resumed.size).toBe(whole.size);
        expect(resumed.root()).toEqual(whole.root());
      }),
    );
  });
});
