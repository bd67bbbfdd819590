import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEntryInput } from '../audit/index.js';
import { TrackAccountability } from './accountability.js';
import { strippedParts } from './strip.js';
import type { Track } from './track.js';

const LABEL = { originator: 'KOR', classification: 'II', releasableTo: ['JPN', 'KOR', 'USA'] };
const OTHER = { originator: 'KOR', classification: 'III' };
const KEY = `${JSON.stringify(LABEL)}\u0000`;
const KEY_UNDER = `${JSON.stringify(OTHER)}\u0000TISA`;

const sha256 = (...parts: Uint8Array[]) => createHash('sha256').update(Buffer.concat(parts)).digest('hex');
const track = (n: number) => Buffer.from(`<event uid="T${n}"/>`);

function setUp(start = Date.parse('2026-12-07T16:00:00.000Z')) {
  let t = start;
  const entries: AuditEntryInput[] = [];
  const account = new TrackAccountability({
    party: 'KOR',
    record: (e) => entries.push(e),
    now: () => t,
    timer: false,
  });
  return {
    account,
    entries,
    tick: (ms: number) => {
      t += ms;
    },
  };
}

const ofAction = (entries: AuditEntryInput[], action: string, decision?: string) =>
  entries.filter((e) => e.action === action && (decision === undefined || e.decision === decision));

describe('R29: track accountability (one audit entry per recipient, label, decision and second)', () => {
  it('R29: counts each recipient’s tracks and hashes the exact bytes sent to it, one entry per partner and label', () => {
    const { account, entries, tick } = setUp();
    const usa = {};
    const jpn = {};
    const [a, b, c] = [track(1), track(2), track(3)];
    account.delivered('partner', usa, 'USA', KEY, a);
    account.delivered('partner', jpn, 'JPN', KEY, a);
    account.delivered('partner', usa, 'USA', KEY, b);
    account.delivered('partner', usa, 'USA', KEY, c);
    account.delivered('partner', jpn, 'JPN', KEY, c);
    account.delivered('partner', usa, 'USA', KEY_UNDER, b);
    tick(1000);
    account.flush();
    const releases = ofAction(entries, 'release', 'permit');
    expect(releases).toHaveLength(3);
    for (const e of releases) {
      expect(e).toMatchObject({ kind: 'track', actor: 'node:KOR', at: '2026-12-07T16:00:00.000Z' });
      expect(e.details).toMatchObject({ via: 'partner', until: '2026-12-07T16:00:01.000Z' });
    }
    const usaL = releases.find((e) => e.details?.to === 'USA' && e.details.receivedUnder === undefined)!;
    expect(usaL.details).toMatchObject({ label: LABEL, count: 3, sha256: sha256(a, b, c) });
    const jpnL = releases.find((e) => e.details?.to === 'JPN')!;
    expect(jpnL.details).toMatchObject({ label: LABEL, count: 2, sha256: sha256(a, c) });
    const usaU = releases.find((e) => e.details?.receivedUnder === 'TISA')!;
    expect(usaU.details).toMatchObject({ to: 'USA', label: OTHER, count: 1, sha256: sha256(b) });
  });

  it('R29: recipients that joined, left or missed tracks at different moments each get the hash of their own bytes', () => {
    const { account, entries } = setUp();
    const conns = Array.from({ length: 6 }, () => ({}));
    const sent = conns.map(() => [] as Buffer[]);
    // A deterministic mix: each client gets a track unless (client + track) % 4 === 0 or it has not joined.
    for (let n = 0; n < 40; n++) {
      const bytes = track(n);
      conns.forEach((conn, i) => {
        if (n < i * 3 || (i + n) % 4 === 0) return;
        account.delivered('client', conn, `p${i}`, KEY, bytes);
        sent[i]!.push(bytes);
        // Once in a while the same buffer goes out twice to one client: it counts, and hashes, twice.
        if (i === 5 && n === 30) {
          account.delivered('client', conn, `p${i}`, KEY, bytes);
          sent[i]!.push(bytes);
        }
      });
    }
    account.flush();
    const reads = ofAction(entries, 'read', 'permit');
    expect(reads).toHaveLength(6);
    for (const [i, bytes] of sent.entries()) {
      const e = reads.find((r) => r.actor === `p${i}`)!;
      expect(e.details).toMatchObject({ via: 'client', count: bytes.length, sha256: sha256(...bytes) });
    }
  });

  it('R29: ten clients that get the same tracks share their hash and still have one entry each', () => {
    const { account, entries } = setUp();
    const conns = Array.from({ length: 10 }, () => ({}));
    const all: Buffer[] = [];
    for (let n = 0; n < 100; n++) {
      const bytes = track(n);
      all.push(bytes);
      for (const c of conns) account.delivered('client', c, 'watch', KEY, bytes);
    }
    account.flush();
    const reads = ofAction(entries, 'read', 'permit');
    expect(reads).toHaveLength(10);
    expect(new Set(reads.map((e) => e.details?.connection)).size).toBe(10);
    for (const e of reads) expect(e.details).toMatchObject({ count: 100, sha256: sha256(...all) });
  });

  it('R29: every denial is recorded with its reasons and count, per recipient, label and reason', () => {
    const { account, entries } = setUp();
    const link = {};
    const client = {};
    for (let n = 0; n < 5; n++) account.refused('partner', link, 'JPN', KEY, 'NOT_RELEASABLE_TO_PARTY');
    for (let n = 0; n < 3; n++)
      account.refused('client', client, 'watch', KEY, 'CLEARANCE_TOO_LOW NEED_TO_KNOW');
    account.refusedAtIntake('sensor', '', 'no-point');
    account.refusedAtIntake('sensor', '', 'no-point');
    account.refusedAtIntake('JPN', JSON.stringify(OTHER), 'not-receivable');
    account.flush();
    expect(ofAction(entries, 'release', 'deny')).toEqual([
      expect.objectContaining({
        actor: 'node:KOR',
        reasons: ['NOT_RELEASABLE_TO_PARTY'],
        details: expect.objectContaining({ to: 'JPN', label: LABEL, count: 5 }),
      }),
    ]);
    expect(ofAction(entries, 'read', 'deny')).toEqual([
      expect.objectContaining({
        actor: 'watch',
        reasons: ['CLEARANCE_TOO_LOW', 'NEED_TO_KNOW'],
        details: expect.objectContaining({ via: 'client', label: LABEL, count: 3 }),
      }),
    ]);
    const intake = ofAction(entries, 'receive', 'deny');
    expect(intake).toHaveLength(2);
    expect(intake.find((e) => e.details?.from === 'sensor')).toMatchObject({
      reasons: ['no-point'],
      details: { count: 2 },
    });
    expect(intake.find((e) => e.details?.from === 'JPN')).toMatchObject({
      reasons: ['not-receivable'],
      details: { label: OTHER, count: 1 },
    });
  });

  it('R29, R30: strips are recorded per label and set of parts dropped, with their count', () => {
    const { account, entries } = setUp();
    const t = {
      version: '2.0',
      uid: 'T',
      type: 'a-h-A-M-B',
      time: '2026-12-07T16:00:00Z',
      start: '2026-12-07T16:00:00Z',
      stale: '2026-12-07T16:01:00Z',
      point: { lat: 0, lon: 0, hae: 0, ce: 0, le: 0 },
      attributes: [['qos', '1-r-c']],
      details: [
        { name: '__sensor', xml: '<__sensor/>' },
        { name: 'remarks', xml: '<remarks/>' },
      ],
      extra: ['<sensorTrace a="1"/>'],
    } satisfies Track;
    expect(strippedParts(t)).toEqual(['@qos', '__sensor', 'remarks', 'event/sensorTrace']);
    const plain = { ...t, attributes: undefined, extra: undefined };
    for (let n = 0; n < 4; n++) account.stripped(t, JSON.stringify(LABEL));
    for (let n = 0; n < 3; n++) account.stripped(plain, JSON.stringify(LABEL));
    account.stripped(
      { ...t, attributes: undefined, details: undefined, extra: undefined },
      JSON.stringify(LABEL),
    ); // nothing dropped: nothing to record
    account.flush();
    expect(ofAction(entries, 'strip')).toEqual([
      expect.objectContaining({
        kind: 'track',
        actor: 'node:KOR',
        details: expect.objectContaining({
          label: LABEL,
          fields: ['@qos', '__sensor', 'remarks', 'event/sensorTrace'],
          count: 4,
        }),
      }),
      expect.objectContaining({
        details: expect.objectContaining({ label: LABEL, fields: ['__sensor', 'remarks'], count: 3 }),
      }),
    ]);
  });

  it('R29: each flush is a new period, and close flushes what is left (once)', () => {
    const { account, entries, tick } = setUp();
    const link = {};
    account.delivered('partner', link, 'USA', KEY, track(1));
    tick(1000);
    account.flush();
    account.flush(); // nothing new: nothing written
    expect(entries).toHaveLength(1);
    account.delivered('partner', link, 'USA', KEY, track(2));
    account.refused('partner', link, 'USA', KEY_UNDER, 'NO_AGREEMENT');
    tick(400);
    account.close();
    account.close();
    expect(entries).toHaveLength(3);
    expect(entries[1]).toMatchObject({
      at: '2026-12-07T16:00:01.000Z',
      details: { count: 1, sha256: sha256(track(2)), until: '2026-12-07T16:00:01.400Z' },
    });
  });

  it('R29: a log that refuses entries (closed) is reported, not thrown into the track path', () => {
    const errors: unknown[] = [];
    const account = new TrackAccountability({
      party: 'KOR',
      record: () => {
        throw new Error('the audit log is closed');
      },
      onError: (e) => errors.push(e),
      timer: false,
    });
    account.refusedAtIntake('sensor', '', 'malformed');
    expect(() => account.close()).not.toThrow();
    expect(errors).toHaveLength(1);
  });
});

describe('R29: track accountability under any pattern of deliveries', () => {
  it('R29: every recipient’s count and hash equal those of the bytes it was sent, whatever the pattern', () => {
    fc.assert(
      fc.property(
        // Per track, which of 5 recipients get it, and whether one of them gets it twice.
        fc.array(fc.tuple(fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), fc.nat(9)), {
          maxLength: 40,
        }),
        fc.nat(40),
        (pattern, flushAt) => {
          const { account, entries } = setUp();
          const conns = Array.from({ length: 5 }, () => ({}));
          let sent = conns.map(() => [] as Buffer[]);
          const expected: { i: number; bytes: Buffer[] }[] = [];
          const settle = () => {
            for (const [i, bytes] of sent.entries()) if (bytes.length > 0) expected.push({ i, bytes });
            sent = conns.map(() => []);
            account.flush();
          };
          pattern.forEach(([who, twice], n) => {
            if (n === flushAt) settle();
            const bytes = track(n);
            who.forEach((yes, i) => {
              if (!yes) return;
              const times = twice === i ? 2 : 1;
              for (let k = 0; k < times; k++) {
                account.delivered('client', conns[i]!, `p${i}`, KEY, bytes);
                sent[i]!.push(bytes);
              }
            });
          });
          settle();
          expect(entries.map((e) => [e.actor, e.details?.count, e.details?.sha256]).sort()).toEqual(
            expected.map((x) => [`p${x.i}`, x.bytes.length, sha256(...x.bytes)]).sort(),
          );
        },
      ),
    );
  });
});
