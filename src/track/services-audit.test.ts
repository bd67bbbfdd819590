import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../audit/index.js';
import { issueCertificate } from '../identity/index.js';
import { type Label, normaliseLabel } from '../label/index.js';
import { type Person, verifyAudit } from '../node/index.js';
import { dataDir } from '../registry/index.js';
import { parseCot, serialiseCot } from './cot.js';
import { formatInstant } from './instant.js';
import { withLabel } from './label.js';
import { DEFAULT_FEED, DEFAULT_FEED_LABEL, flightUpdates, parseLaunchCsv } from './simulate.js';
import {
  PARTIES,
  type Party,
  sensor,
  startThreeNodes,
  type TakClient,
  type ThreeNodes,
  TOP,
  takClient,
  waitFor,
} from './test-support/three-nodes.js';
import type { Track } from './track.js';

const rows = parseLaunchCsv(readFileSync(`${dataDir}dprk-launches.csv`, 'utf8'));
const row = rows.find((r) => r.date === '2017-02-12')!;

function flight(suffix: string, count: number): Track[] {
  const out: Track[] = [];
  for (const u of flightUpdates(row, {
    seed: 11,
    rate: 10,
    launchTime: formatInstant(Date.now()),
    label: null,
  })) {
    out.push({ ...u.track, uid: `${u.track.uid}.${suffix}` });
    if (out.length === count) break;
  }
  return out;
}

const PASSWORD = 'audit-password-long';
const KOR_ONLY: Label = {
  originator: 'KOR',
  classification: 'II',
  releasableTo: ['KOR'],
  topics: ['DPRK-MISSILE'],
};
const sha256 = (parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest('hex');

/** The frames a client got of one label, by uid suffix. */
const framesOf = (c: TakClient, suffix: string) => c.events.filter((e) => parseCot(e).uid.endsWith(suffix));

describe('R29: every track decision reaches the node’s audit log, and `audit verify` passes over it', () => {
  let net: ThreeNodes;
  const security = {} as Record<Party, Person>;
  let watchKor: TakClient;
  let juniorKor: TakClient;
  let watchUsa: TakClient;

  beforeAll(async () => {
    net = await startThreeNodes({ logLevel: 'warn' });
    for (const p of PARTIES) {
      await net.nodes[p].admin.addUser({
        name: 'security',
        password: PASSWORD,
        clearance: TOP[p],
        roles: ['security-officer'],
      });
      security[p] = (await net.nodes[p].authenticateBasic('security', PASSWORD))!;
    }
    // A KOR watch officer cleared below the feed's level (II): every track is withheld from them.
    await net.nodes.KOR.admin.addUser({
      name: 'junior',
      password: PASSWORD,
      clearance: 'III',
      roles: ['watch-officer'],
    });
    const junior = await issueCertificate(net.ca, { commonName: 'junior', kind: 'client' });
    watchKor = await takClient(net.services.KOR.cotTlsPort!, net.client, net.ca.certPem);
    juniorKor = await takClient(net.services.KOR.cotTlsPort!, junior, net.ca.certPem);
    watchUsa = await takClient(net.services.USA.cotTlsPort!, net.client, net.ca.certPem);
    await waitFor(() => net.services.KOR.clientCount === 2 && net.services.USA.clientCount === 1);
  }, 30_000);

  afterAll(async () => {
    for (const c of [watchKor, juniorKor, watchUsa]) c?.close();
    await net?.close();
  });

  /** The node's `track` entries once `done` holds of them (the aggregator writes each second). */
  const trackEntries = async (p: Party, done: (e: AuditEntry[]) => boolean): Promise<AuditEntry[]> => {
    const until = Date.now() + 5000;
    for (;;) {
      await net.nodes[p].flushAudit();
      const head = await net.nodes[p].auditHead(security[p]);
      const all = await net.nodes[p].auditEntries(security[p], 0, head.treeSize);
      const entries = all.map((e) => e.entry as AuditEntry).filter((e) => e.kind === 'track');
      if (done(entries)) return entries;
      if (Date.now() > until)
        throw new Error(`no complete track entries on ${p}: ${JSON.stringify(entries)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const total = (entries: AuditEntry[]) => entries.reduce((n, e) => n + (e.details?.count as number), 0);
  const feedLabel = normaliseLabel(DEFAULT_FEED_LABEL);
  const korOnlyLabel = normaliseLabel(KOR_ONLY);
  const labelled = (l: unknown) => (e: AuditEntry) => isDeepStrictEqual(e.details?.label, l);
  /** Each entry's hash is the SHA-256 over the next `count` frames the recipient got, in order. */
  const expectHashes = (entries: AuditEntry[], frames: Buffer[]) => {
    let at = 0;
    for (const e of entries) {
      const n = e.details?.count as number;
      expect(e.details?.sha256).toBe(sha256(frames.slice(at, at + n)));
      at += n;
    }
    expect(at).toBe(frames.length);
  };

  it('R29: releases, reads, denials, intake refusals and strips (R30) are recorded with counts and hashes of the exact bytes sent', async () => {
    const feed = flight('audit-feed', 5); // the KOR-MW-1 default label: KOR JPN USA
    const korOnly = flight('audit-kor', 2).map((t) => withLabel(t, KOR_ONLY, DEFAULT_FEED));
    const noPoint = serialiseCot(flight('audit-nopoint', 1)[0]!).replace(/<point [^>]*\/>/, '');
    const s = await sensor(net.services.KOR.cotTcpPort!);
    s.write(noPoint + [...feed, ...korOnly].map((t) => serialiseCot(t)).join(''));
    await waitFor(() => framesOf(watchKor, 'audit-kor').length === 2);
    await waitFor(() => framesOf(watchUsa, 'audit-feed').length === 5);
    s.destroy();

    const kor = await trackEntries(
      'KOR',
      (es) =>
        total(es.filter((e) => e.action === 'release' && e.decision === 'permit')) === 5 &&
        total(es.filter((e) => e.action === 'release' && e.decision === 'deny')) === 2 &&
        total(es.filter((e) => e.actor === 'watch')) === 7 &&
        total(es.filter((e) => e.actor === 'junior')) === 7 &&
        total(es.filter((e) => e.action === 'strip')) === 7 &&
        es.some((e) => e.action === 'receive'),
    );
    // Released to the USA: the feed's tracks, their bytes exactly as the KOR client got them.
    const released = kor.filter((e) => e.action === 'release' && e.decision === 'permit');
    for (const e of released) {
      expect(e).toMatchObject({
        actor: 'node:KOR',
        details: { to: 'USA', via: 'partner', label: feedLabel },
      });
    }
    expectHashes(released, framesOf(watchKor, 'audit-feed'));
    // Withheld from the USA: the KOR-only tracks, with decide()'s reason.
    const withheld = kor.filter((e) => e.action === 'release' && e.decision === 'deny');
    expect(withheld.every(labelled(korOnlyLabel))).toBe(true);
    expect(withheld[0]).toMatchObject({ actor: 'node:KOR', details: { to: 'USA' } });
    expect(withheld[0]!.reasons).toContain('NOT_RELEASABLE_TO_PARTY');
    // Read by the KOR client, per label, with the hash of what it got.
    const reads = kor.filter((e) => e.actor === 'watch' && e.decision === 'permit');
    expect(reads.every((e) => e.action === 'read' && e.details?.via === 'client')).toBe(true);
    expectHashes(reads.filter(labelled(feedLabel)), framesOf(watchKor, 'audit-feed'));
    expectHashes(reads.filter(labelled(korOnlyLabel)), framesOf(watchKor, 'audit-kor'));
    // Withheld from the junior officer: every track, with the reason.
    const denied = kor.filter((e) => e.actor === 'junior');
    expect(denied.every((e) => e.action === 'read' && e.decision === 'deny')).toBe(true);
    expect(denied[0]!.reasons).toContain('CLEARANCE_TOO_LOW');
    expect(juniorKor.events).toEqual([]);
    // Refused at the intake, and stripped before anything left (R30).
    expect(kor.find((e) => e.action === 'receive')).toMatchObject({
      actor: 'node:KOR',
      decision: 'deny',
      reasons: ['no-point'],
      details: { from: 'sensor', count: 1 },
    });
    const strips = kor.filter((e) => e.action === 'strip');
    expect(total(strips.filter(labelled(feedLabel)))).toBe(5);
    expect(total(strips.filter(labelled(korOnlyLabel)))).toBe(2);
    for (const e of strips)
      expect(e.details?.fields).toEqual(expect.arrayContaining(['__sensor', 'remarks']));

    // The hub: read by its client, relayed to Japan under the standing consent; nothing left to strip.
    const usa = await trackEntries(
      'USA',
      (es) =>
        total(es.filter((e) => e.actor === 'watch')) === 5 &&
        total(es.filter((e) => e.action === 'release' && e.details?.to === 'JPN')) === 5,
    );
    expectHashes(
      usa.filter((e) => e.actor === 'watch'),
      framesOf(watchUsa, 'audit-feed'),
    );
    expect(usa.filter((e) => e.action === 'strip')).toEqual([]);

    // All in each node's one chain: `relto audit verify` passes over them.
    for (const p of ['KOR', 'USA'] as const) {
      await net.nodes[p].flushAudit();
      const last = Math.max(...(p === 'KOR' ? kor : usa).map((e) => e.index));
      const verified = await verifyAudit({ dataDir: net.dataDirs[p] });
      expect(verified).toMatchObject({ ok: true });
      expect(verified.ok && verified.size).toBeGreaterThan(last);
    }
  }, 30_000);
});
