import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { leafHash, verifyConsistency, verifyInclusion } from '../audit/index.js';
import { ReltoError } from '../errors/index.js';
import { verifyAudit } from './node-service.js';
import type { Person } from './service.js';
import {
  addKorPeople,
  DIALECTS,
  labelMarkings,
  makeNode,
  mixedReport,
  type NodeHarness,
} from './test-support/node-harness.js';

/** Edits one stored audit row by hand, as an attacker with database access would. */
async function editRow(h: NodeHarness, index: number, from: string, to: string): Promise<void> {
  if (h.dialect === 'sqlite') {
    const db = new Database(join(h.dataDir, 'relto.db'));
    try {
      const r = db
        .prepare('UPDATE audit_log SET entry = replace(entry, ?, ?) WHERE idx = ?')
        .run(from, to, index);
      expect(r.changes).toBe(1);
    } finally {
      db.close();
    }
    return;
  }
  const config = JSON.parse((await import('node:fs')).readFileSync(join(h.dataDir, 'node.json'), 'utf8'));
  const client = new pg.Client({ connectionString: h.pgUrl });
  await client.connect();
  try {
    const r = await client.query(
      `UPDATE "${config.pgSchema}".audit_log SET entry = replace(entry, $1, $2) WHERE idx = $3`,
      [from, to, index],
    );
    expect(r.rowCount).toBe(1);
  } finally {
    await client.end();
  }
}

for (const dialect of DIALECTS) {
  describe(`the audit log (${dialect})`, () => {
    let h: NodeHarness | undefined;
    afterEach(async () => {
      await h?.cleanup();
      h = undefined;
    });

    it('R29: records permits and denies, posts and people changes, with signed heads that verify', async () => {
      h = await makeNode(dialect);
      const node = await h.open();
      const people = await addKorPeople(node);
      const doc = mixedReport();
      await node.postObjects(people.analyst!, [...labelMarkings(), doc]);
      await node.getObject(people['analyst-low']!, doc.id, {}); // permit (floor) + deny (SECRET portion)
      await node.admin.setUser('analyst-low', { clearance: 'R' });
      const head = await node.auditHead(people.security!);
      const entries = await node.auditEntries(people.security!, 0, head.treeSize);
      const kinds = entries.map((e) => `${e.entry.kind}:${e.entry.action ?? ''}:${e.entry.decision ?? ''}`);
      expect(kinds).toContain('node:init:');
      expect(kinds).toContain('person:add:');
      expect(kinds).toContain('person:set:');
      expect(kinds).toContain('decision:post:permit');
      expect(kinds).toContain('decision:read:permit');
      expect(kinds).toContain('decision:read:deny');
      // Every entry links to the one before it (hash-linked, R29).
      for (let i = 1; i < entries.length; i++)
        expect(entries[i]!.entry.prev).not.toBe(entries[i - 1]!.entry.prev);
      await node.close();
      const verified = await verifyAudit({ dataDir: h.dataDir, ...(h.pgUrl ? { pgUrl: h.pgUrl } : {}) });
      expect(verified).toMatchObject({ ok: true, size: head.treeSize });
    });

    it('R35: security officers and administrators read every entry; anyone else only their own', async () => {
      h = await makeNode(dialect);
      const node = await h.open();
      const people = await addKorPeople(node);
      const doc = mixedReport();
      await node.postObjects(people.analyst!, [...labelMarkings(), doc]);
      await node.getObject(people['analyst-low']!, doc.id, {});
      const all = await node.auditEntries(people.admin!, 0, 10_000);
      for (const who of ['analyst', 'analyst-low']) {
        // The head is hashes and a signature: anyone signed in may check it, with the key it verifies with.
        const head = await node.auditHead(people[who]!);
        expect(head.treeSize).toBe(all.length);
        expect(head).toMatchObject({ origin: 'KOR', publicKey: { kty: 'OKP', crv: 'Ed25519' } });
        const mine = await node.auditEntries(people[who]!, 0, 10_000);
        const expected = all.filter((e) => e.entry.actor === who);
        expect(expected.length).toBeGreaterThan(0);
        expect(mine).toEqual(expected);
        // A proof of one's own entry, never of another's.
        const own = mine[0]!.index;
        expect((await node.inclusionProof(people[who]!, own, head.treeSize)).proof.length).toBeGreaterThan(0);
        const other = all.find((e) => e.entry.actor !== who)!.index;
        await expect(node.inclusionProof(people[who]!, other, head.treeSize)).rejects.toMatchObject({
          code: 'FORBIDDEN',
        });
        await expect(node.consistencyProof(people[who]!, 1, head.treeSize)).rejects.toMatchObject({
          code: 'FORBIDDEN',
        });
      }
      expect(all.map((e) => e.entry.actor)).toEqual(expect.arrayContaining(['analyst', 'analyst-low']));
      await node.close();
    });

    it('R29: inclusion and consistency proofs verify against the signed roots (RFC 9162)', async () => {
      h = await makeNode(dialect);
      const node = await h.open();
      const people = await addKorPeople(node);
      const so: Person = people.security!;
      const first = await node.auditHead(so);
      await node.postObjects(people.analyst!, [...labelMarkings(), mixedReport()]);
      const second = await node.auditHead(so);
      expect(second.treeSize).toBeGreaterThan(first.treeSize);
      const entries = await node.auditEntries(so, 0, second.treeSize);
      const index = second.treeSize - 1;
      const { leafHash: lh, proof } = await node.inclusionProof(so, index, second.treeSize);
      const canonical = (await import('../canon/index.js')).canonicalBytes(entries[index]!.entry);
      expect(lh).toBe(leafHash(canonical).toString('hex'));
      expect(
        verifyInclusion(
          Buffer.from(lh, 'hex'),
          index,
          second.treeSize,
          proof.map((p) => Buffer.from(p, 'hex')),
          Buffer.from(second.rootHash, 'hex'),
        ),
      ).toBe(true);
      const { proof: cproof } = await node.consistencyProof(so, first.treeSize, second.treeSize);
      expect(
        verifyConsistency(
          first.treeSize,
          second.treeSize,
          cproof.map((p) => Buffer.from(p, 'hex')),
          Buffer.from(first.rootHash, 'hex'),
          Buffer.from(second.rootHash, 'hex'),
        ),
      ).toBe(true);
      await expect(node.inclusionProof(so, 5, 3)).rejects.toBeInstanceOf(ReltoError);
      await node.close();
    });

    it('R29: editing one audit row by hand makes verification fail, naming that entry', async () => {
      h = await makeNode(dialect);
      const node = await h.open();
      const people = await addKorPeople(node);
      await node.postObjects(people.analyst!, [...labelMarkings(), mixedReport()]);
      const entries = await node.auditEntries(people.security!, 0, 1_000);
      const target = entries.find(
        (e) => e.entry.kind === 'person' && e.entry.subjects?.[0] === 'analyst-low',
      )!;
      await node.close();
      expect((await verifyAudit({ dataDir: h.dataDir, ...(h.pgUrl ? { pgUrl: h.pgUrl } : {}) })).ok).toBe(
        true,
      );
      await editRow(h, target.index, '"clearance":"III"', '"clearance":"II"');
      const result = await verifyAudit({ dataDir: h.dataDir, ...(h.pgUrl ? { pgUrl: h.pgUrl } : {}) });
      expect(result).toMatchObject({ ok: false, index: target.index, failure: 'altered' });
    });

    it('group commits: many concurrent appends land densely, in one chain, fast', async () => {
      h = await makeNode(dialect);
      const node = await h.open();
      const n = 50_000;
      const start = performance.now();
      const at = new Date().toISOString();
      const indexes = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          node.appendAudit({
            kind: 'decision',
            at,
            actor: 'bench',
            action: 'read',
            decision: 'permit',
            subjects: [`x--${i}`],
          }),
        ),
      );
      const ms = performance.now() - start;
      console.log(
        `[${dialect}] audit: ${n} appends in ${ms.toFixed(0)} ms = ${Math.round((n / ms) * 1000)} appends/s`,
      );
      const sorted = [...indexes].sort((a, b) => a - b);
      expect(new Set(sorted).size).toBe(n);
      expect(sorted[n - 1]! - sorted[0]!).toBe(n - 1);
      await node.close();
      expect(await verifyAudit({ dataDir: h.dataDir, ...(h.pgUrl ? { pgUrl: h.pgUrl } : {}) })).toMatchObject(
        { ok: true },
      );
    });
  });
}
