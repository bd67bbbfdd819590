import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { FlattenedSign } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { MerkleTree, rootFromInclusionProof, verifyInclusion } from '../audit/index.js';
import { canonicalize } from '../canon/index.js';
import { generateSigningKeyPair, type OkpKeyPair } from '../identity/index.js';
import { objectLeafHash, signBatch, verifyItem } from './batch.js';
import { sampleReports } from './test-support/objects.js';

let kor: OkpKeyPair;
let jpn: OkpKeyPair;
beforeAll(() => {
  kor = generateSigningKeyPair();
  jpn = generateSigningKeyPair();
});

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

describe('batch leaves and root (contracts §9)', () => {
  it('leaf = SHA-256(0x00 ‖ SHA-256(RFC 8785 JSON of the object)), computed independently', () => {
    const object = { z: 1, a: ['é', 2.5], type: 'note' };
    const digest = sha(Buffer.from('{"a":["é",2.5],"type":"note","z":1}', 'utf8'));
    expect(objectLeafHash(object)).toEqual(sha(Buffer.concat([Buffer.from([0]), digest])));
  });

  it('the signed root is the RFC 9162 root of those leaves, and every proof leads to it', async () => {
    const objects = sampleReports(7, 'KOR');
    const records = signBatch({ party: 'KOR', key: kor.privateJwk }, objects);
    const tree = MerkleTree.fromLeafHashes(objects.map(objectLeafHash));
    const header = JSON.parse(Buffer.from(records[0].originatorJws.split('.')[0], 'base64url').toString());
    expect(header).toEqual({ alg: 'EdDSA', typ: 'relto-batch', kid: 'KOR', treeSize: 7 });
    for (const r of records) {
      const proof = r.proof.map((h) => Buffer.from(h, 'hex'));
      expect(verifyInclusion(objectLeafHash(r.object), r.leafIndex, 7, proof, tree.root())).toBe(true);
    }
  });

  it('rootFromInclusionProof agrees with the audit tree for every leaf of trees up to 70 leaves', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), (size, pick) => {
        const tree = new MerkleTree();
        for (let i = 0; i < size; i++) tree.append(Buffer.from(`leaf ${i}`));
        const index = pick % size;
        const root = rootFromInclusionProof(tree.leafHash(index), index, size, tree.inclusionProof(index));
        expect(Buffer.from(root!).equals(tree.root())).toBe(true);
        // the same proof claimed for another index never reaches the root
        if (size > 1) {
          const other = (index + 1) % size;
          const wrong = rootFromInclusionProof(tree.leafHash(index), other, size, tree.inclusionProof(index));
          expect(wrong !== undefined && Buffer.from(wrong).equals(tree.root())).toBe(false);
        }
      }),
    );
  });

  it('verifies each object alone against the originator key (R25)', async () => {
    const records = signBatch({ party: 'KOR', key: kor.privateJwk }, sampleReports(5, 'KOR'));
    for (const r of records) {
      const check = verifyItem(JSON.parse(canonicalize(r)), kor.publicJwk);
      expect(check).toMatchObject({ ok: true, originator: 'KOR' });
    }
  });

  it('a one-object batch has an empty proof and still verifies', async () => {
    const [r] = signBatch({ party: 'KOR', key: kor.privateJwk }, sampleReports(1, 'KOR'));
    expect(r.proof).toEqual([]);
    expect(verifyItem(r, kor.publicJwk).ok).toBe(true);
  });

  it('is a standard detached JWS: jose-made signatures over the same root verify here', async () => {
    const objects = sampleReports(3, 'KOR');
    const tree = MerkleTree.fromLeafHashes(objects.map(objectLeafHash));
    const jws = await new FlattenedSign(tree.root())
      .setProtectedHeader({ alg: 'EdDSA', typ: 'relto-batch', kid: 'KOR', treeSize: 3 })
      .sign(kor.privateJwk);
    const record = {
      object: objects[2],
      proof: tree.inclusionProof(2).map((h) => h.toString('hex')),
      leafIndex: 2,
      treeSize: 3,
      originatorJws: `${jws.protected}..${jws.signature}`,
    };
    expect(verifyItem(record, kor.publicJwk).ok).toBe(true);
  });
});

describe('tampering is detected (R25)', () => {
  it('an altered object is refused: BAD_ORIGINATOR_SIGNATURE', async () => {
    const [r] = signBatch({ party: 'KOR', key: kor.privateJwk }, sampleReports(4, 'KOR'));
    const altered = { ...r, object: { ...r.object, name: 'something else' } };
    expect(verifyItem(altered, kor.publicJwk)).toMatchObject({
      ok: false,
      code: 'BAD_ORIGINATOR_SIGNATURE',
    });
  });

  it('an altered proof hash is refused, a malformed one is BAD_PROOF', async () => {
    const [, r] = signBatch({ party: 'KOR', key: kor.privateJwk }, sampleReports(4, 'KOR'));
    const flipped = r.proof[0].replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(verifyItem({ ...r, proof: [flipped, ...r.proof.slice(1)] }, kor.publicJwk)).toMatchObject({
      ok: false,
      code: 'BAD_ORIGINATOR_SIGNATURE',
    });
    expect(verifyItem({ ...r, proof: ['xyz'] }, kor.publicJwk)).toMatchObject({
      ok: false,
      code: 'BAD_PROOF',
      path: '/proof',
    });
    expect(verifyItem({ ...r, proof: r.proof.slice(1) }, kor.publicJwk)).toMatchObject({
      ok: false,
      code: 'BAD_PROOF',
    });
  });

  it('a moved index or a claimed other tree size is refused', async () => {
    const records = signBatch({ party: 'KOR', key: kor.privateJwk }, sampleReports(4, 'KOR'));
    expect(verifyItem({ ...records[1], leafIndex: 0 }, kor.publicJwk).ok).toBe(false);
    expect(verifyItem({ ...records[1], treeSize: 5 }, kor.publicJwk)).toMatchObject({
      ok: false,
      code: 'BAD_ORIGINATOR_SIGNATURE',
      path: '/treeSize',
    });
  });

  it('an altered signature, or another party key, is refused', async () => {
    const [r] = signBatch({ party: 'KOR', key: kor.privateJwk }, sampleReports(2, 'KOR'));
    const [h, , s] = r.originatorJws.split('.');
    const sig = Buffer.from(s, 'base64url');
    sig[10] ^= 1;
    expect(
      verifyItem({ ...r, originatorJws: `${h}..${sig.toString('base64url')}` }, kor.publicJwk),
    ).toMatchObject({ ok: false, code: 'BAD_ORIGINATOR_SIGNATURE' });
    expect(verifyItem(r, jpn.publicJwk)).toMatchObject({ ok: false, code: 'BAD_ORIGINATOR_SIGNATURE' });
  });

  it('a JWS that is not a detached relto batch signature is malformed', async () => {
    const [r] = signBatch({ party: 'KOR', key: kor.privateJwk }, sampleReports(1, 'KOR'));
    const [h, , s] = r.originatorJws.split('.');
    const other = Buffer.from(
      JSON.stringify({ alg: 'EdDSA', typ: 'relto-message', kid: 'KOR', treeSize: 1 }),
    );
    for (const jws of [`${h}.AAAA.${s}`, `${other.toString('base64url')}..${s}`, 'nonsense']) {
      expect(verifyItem({ ...r, originatorJws: jws }, kor.publicJwk)).toMatchObject({
        ok: false,
        code: 'MALFORMED_REQUEST',
      });
    }
  });
});
