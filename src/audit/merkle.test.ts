import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, leafHash, nodeHash, splitPoint, verifyConsistency, verifyInclusion } from './merkle.js';
import { CompactRange, MerkleTree } from './tree.js';

// Known answers from transparency-dev/merkle testonly/constants.go and reference_test.go (RFC 6962 = RFC 9162
// hashing): the leaf inputs, the root of every prefix, and some inclusion and consistency proofs.
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((h) => Buffer.from(h, 'hex'));
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION: [number, number, string[]][] = [
  [0, 1, []],
  [0, 2, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7']],
  [1, 2, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d']],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

const hex = (bs: Uint8Array[]): string[] => bs.map((b) => Buffer.from(b).toString('hex'));
const fromHex = (hs: string[]): Buffer[] => hs.map((h) => Buffer.from(h, 'hex'));

/** RFC 9162 §2.1.1 MTH written straight from its definition, to cross-check the fast tree. */
function referenceRoot(leaves: Uint8Array[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leafHash(leaves[0]);
  const k = splitPoint(leaves.length);
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

const treeOf = (n: number): MerkleTree => {
  const t = new MerkleTree();
  for (let i = 0; i < n; i++) t.append(Buffer.from(`entry ${i}`));
  return t;
};

describe('Merkle tree hashing (RFC 9162 §2.1.1)', () => {
  it('gives the known root of every prefix of the transparency-dev leaves', () => {
    const t = new MerkleTree();
    const c = CompactRange.empty();
    expect(t.root().toString('hex')).toBe(ROOTS[0]);
    expect(c.root().toString('hex')).toBe(ROOTS[0]);
    LEAVES.forEach((leaf, i) => {
      t.append(leaf);
      c.append(leaf);
      expect(t.root().toString('hex')).toBe(ROOTS[i + 1]);
      expect(c.root().toString('hex')).toBe(ROOTS[i + 1]);
    });
    // Earlier sizes stay answerable after later appends.
    for (const [size, r] of ROOTS.entries()) expect(t.root(size).toString('hex')).toBe(r);
  });

  it('matches the textbook recursive MTH for random leaves and sizes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 70 }), (leaves) => {
        const t = MerkleTree.fromLeafHashes(leaves.map(leafHash));
        expect(t.root().equals(referenceRoot(leaves))).toBe(true);
      }),
    );
  });

  it('compact range gives the same root as the full tree, and survives save and restore', () => {
    const t = new MerkleTree();
    let c = CompactRange.empty();
    for (let i = 0; i < 300; i++) {
      const e = Buffer.from(`e${i}`);
      t.append(e);
      c.append(e);
      if (i % 37 === 0) c = CompactRange.fromState(JSON.parse(JSON.stringify(c.toState())));
      expect(c.root().equals(t.root())).toBe(true);
    }
  });
});

describe('inclusion proofs (RFC 9162 §2.1.3)', () => {
  it.each(INCLUSION)('leaf %i of a tree of %i gives the known path', (index, size, want) => {
    const t = MerkleTree.fromLeafHashes(LEAVES.map(leafHash));
    const proof = t.inclusionProof(index, size);
    expect(hex(proof)).toEqual(want);
    expect(
      verifyInclusion(leafHash(LEAVES[index]), index, size, fromHex(want), fromHex([ROOTS[size]])[0]),
    ).toBe(true);
  });

  it('every generated proof verifies, and a changed leaf, index, root or proof fails', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1), fc.nat(n - 1))),
        fc.nat(31),
        ([n, index, other], byte) => {
          const t = treeOf(n);
          const root = t.root();
          const proof = t.inclusionProof(index);
          const leaf = t.leafHash(index);
          expect(verifyInclusion(leaf, index, n, proof, root)).toBe(true);
          const bad = Buffer.from(leaf);
          bad[byte] ^= 1;
          expect(verifyInclusion(bad, index, n, proof, root)).toBe(false);
          if (other !== index) expect(verifyInclusion(leaf, other, n, proof, root)).toBe(false);
          const badRoot = Buffer.from(root);
          badRoot[byte] ^= 1;
          expect(verifyInclusion(leaf, index, n, proof, badRoot)).toBe(false);
          if (proof.length > 0) {
            const tampered = proof.map((p) => Buffer.from(p));
            tampered[byte % proof.length][byte] ^= 0x80;
            expect(verifyInclusion(leaf, index, n, tampered, root)).toBe(false);
            expect(verifyInclusion(leaf, index, n, proof.slice(1), root)).toBe(false);
          }
          expect(verifyInclusion(leaf, index, n, [...proof, root], root)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('proves inclusion in an earlier, smaller tree', () => {
    const t = treeOf(100);
    const proof = t.inclusionProof(10, 37);
    expect(verifyInclusion(t.leafHash(10), 10, 37, proof, t.root(37))).toBe(true);
  });

  it('refuses an index outside the tree', () => {
    const t = treeOf(3);
    expect(() => t.inclusionProof(3)).toThrow(/not in a tree/);
    expect(verifyInclusion(t.leafHash(0), 3, 3, [], t.root())).toBe(false);
  });
});

describe('consistency proofs (RFC 9162 §2.1.4)', () => {
  it.each(CONSISTENCY)('from %i to %i gives the known proof', (size1, size2, want) => {
    const t = MerkleTree.fromLeafHashes(LEAVES.map(leafHash));
    const proof = t.consistencyProof(size1, size2);
    expect(hex(proof)).toEqual(want);
    const r1 = fromHex([ROOTS[size1]])[0];
    const r2 = fromHex([ROOTS[size2]])[0];
    expect(verifyConsistency(size1, size2, proof, r1, r2)).toBe(true);
  });

  it('every generated proof verifies, and a changed root or proof fails', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 200 })
          .chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n))),
        fc.nat(31),
        ([m, n], byte) => {
          const t = treeOf(n);
          const proof = t.consistencyProof(m, n);
          const r1 = t.root(m);
          const r2 = t.root(n);
          expect(verifyConsistency(m, n, proof, r1, r2)).toBe(true);
          const b1 = Buffer.from(r1);
          b1[byte] ^= 1;
          const b2 = Buffer.from(r2);
          b2[byte] ^= 1;
          expect(verifyConsistency(m, n, proof, b1, r2)).toBe(false);
          expect(verifyConsistency(m, n, proof, r1, b2)).toBe(false);
          if (m < n) {
            const tampered = proof.map((p) => Buffer.from(p));
            tampered[byte % proof.length][byte] ^= 0x40;
            expect(verifyConsistency(m, n, tampered, r1, r2)).toBe(false);
            expect(verifyConsistency(m, n, proof.slice(0, -1), r1, r2)).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('detects a rewritten history: a tree that changed an old leaf is not consistent with its past root', () => {
    const honest = treeOf(50);
    const oldRoot = honest.root(20);
    const forged = new MerkleTree();
    for (let i = 0; i < 50; i++) forged.append(Buffer.from(i === 7 ? 'forged' : `entry ${i}`));
    expect(verifyConsistency(20, 50, forged.consistencyProof(20, 50), oldRoot, forged.root())).toBe(false);
  });

  it('equal sizes need an empty proof and equal roots; any tree extends the empty one', () => {
    const t = treeOf(5);
    expect(verifyConsistency(5, 5, [], t.root(), t.root())).toBe(true);
    expect(verifyConsistency(5, 5, [], t.root(), t.root(4))).toBe(false);
    expect(verifyConsistency(0, 5, [], EMPTY_ROOT, t.root())).toBe(true);
    expect(verifyConsistency(6, 5, [], t.root(), t.root())).toBe(false);
    expect(() => t.consistencyProof(6, 5)).toThrow();
  });
});

describe('compact range and full tree over many appends', () => {
  // Speed is measured by the benchmarks (npm run bench -- http:audit), not asserted here.
  it('agree on the root of 20,000 appended entries at every thousandth size', () => {
    const n = 20_000;
    const c = CompactRange.empty();
    const t = new MerkleTree();
    for (let i = 0; i < n; i++) {
      const e = Buffer.from(`{"index":${i},"kind":"decision"}`);
      c.append(e);
      t.append(e);
      if ((i + 1) % 1000 === 0) expect(c.root().equals(t.root())).toBe(true);
    }
  });
});
