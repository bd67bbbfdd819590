import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { collectGarbage, registerBench } from '../../bench/harness.js';
import { briefMessage, composeBrief, type MailMessage } from '../../brief/index.js';
import { labelToMarking } from '../../stix/index.js';
import type { StixObject } from '../../store/index.js';
import { createNode, openNode, smtpTransport } from '../index.js';

/*
 * The daily brief for 10,000 subscribers (issue 14: rendered and handed to a local SMTP server in ≤ 60 s): a
 * SQLite node holding the demo's news and classified items, every subscriber due at 07:00 in Seoul; one
 * scheduler round composes each person's brief through the read path (decided, audited), queues it in the
 * outbox and hands it to an SMTP server on loopback. Beside it, nodemailer alone handing the same number of
 * ready-made messages to the same server.
 */

const SUBSCRIBERS = 10_000;
const NEWS = fileURLToPath(new URL('../../../data/demo/news.xml', import.meta.url));

/** An SMTP server on loopback that takes every message and keeps only a count. */
async function countingRelay(): Promise<{ url: string; count: () => number; stop: () => Promise<void> }> {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        count++;
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    count: () => count,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

registerBench('feeds:brief', async (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'relto-brief-bench-'));
  const relay = await countingRelay();
  try {
    const dataDir = join(dir, 'node');
    await createNode({ dataDir, party: 'KOR' });
    let clock = Date.parse('2026-12-08T10:00:00.000Z');
    const node = await openNode({ dataDir, now: () => clock });
    try {
      // The news and a day's classified items, from a few people.
      const feed = await node.admin.addFeed({ file: NEWS, topics: ['DPRK-MISSILE'] });
      await node.admin.pollFeed(feed.id);
      await node.admin.addUser({
        name: 'writer',
        password: 'a long password',
        clearance: 'II',
        roles: ['analyst'],
      });
      const writer = (await node.authenticateBasic('writer', 'a long password'))!;
      const labels = [
        { originator: 'KOR', classification: 'II', releasableTo: ['JPN', 'USA'] },
        { originator: 'KOR', classification: 'III', releasableTo: ['JPN', 'USA'] },
      ];
      const markings = labels.map((l) => labelToMarking(l) as unknown as StixObject);
      const reports: StixObject[] = Array.from({ length: 40 }, (_, i) => ({
        type: 'report',
        spec_version: '2.1',
        id: `report--${crypto.randomUUID()}`,
        created: '2026-12-08T09:00:00.000Z',
        modified: '2026-12-08T09:00:00.000Z',
        name: `Observation ${i}`,
        published: '2026-12-08T09:00:00.000Z',
        report_types: ['threat-report'],
        object_refs: [`location--${crypto.randomUUID()}`],
        object_marking_refs: [markings[i % 2]!.id],
      }));
      await node.postObjects(writer, [...markings, ...reports]);
      // 10,000 people, each subscribed and confirmed, due at 07:00 in Seoul (22:00 UTC).
      const hash = (await node.store.getUser('writer'))!.passwordHash;
      for (let i = 0; i < SUBSCRIBERS; i++) {
        const name = `reader-${i}`;
        await node.store.createUser({
          name,
          party: 'KOR',
          clearance: i % 2 ? 'II' : 'III',
          roles: ['analyst'],
          designations: [],
          restrictive: {},
          contractor: false,
          official: true,
          passwordHash: hash,
        });
        await node.store.putBriefSubscription({
          person: name,
          email: `${name}@mil.example`,
          time: '07:00',
          timeZone: 'Asia/Seoul',
          lang: (['ko', 'ja', 'en'] as const)[i % 3]!,
          topics: [],
          state: 'confirmed',
          confirmHash: null,
          confirmExpiresAt: null,
          unsubscribeToken: randomBytes(32).toString('base64url'),
          requestedAt: '2026-12-08T09:00:00.000Z',
          confirmedAt: '2026-12-08T09:00:00.000Z',
          nextSendAt: '2026-12-08T22:00:00.000Z',
        });
      }
      node.brief.configure({ publicUrl: 'https://relto.example', transport: smtpTransport(relay.url) });
      clock = Date.parse('2026-12-08T22:00:01.000Z');
      collectGarbage();
      let start = performance.now();
      const round = await node.brief.runDue();
      const reltoMs = performance.now() - start;
      if (round.queued !== SUBSCRIBERS || round.sent !== SUBSCRIBERS || relay.count() !== SUBSCRIBERS) {
        throw new Error(`queued ${round.queued}, sent ${round.sent}, the relay took ${relay.count()}`);
      }

      // The peer: the same number of ready-made briefs (one composed, copied per address) through nodemailer.
      const one = composeBrief({
        lang: 'ko',
        party: '대한민국',
        date: '2026-12-09',
        headlines: [],
        counts: [],
        topicName: (t) => t,
        workspaceUrl: 'https://relto.example/inbox',
        unsubscribeUrl: 'https://relto.example/brief/unsubscribe?token=x',
      });
      const messages: MailMessage[] = Array.from({ length: SUBSCRIBERS }, (_, i) =>
        briefMessage({
          sender: { from: 'relto-kor@localhost', publicUrl: 'https://relto.example' },
          party: 'KOR',
          person: `reader-${i}`,
          to: `reader-${i}@mil.example`,
          date: '2026-12-09',
          composedAt: new Date(clock),
          mail: one,
          unsubscribeUrl: 'https://relto.example/brief/unsubscribe?token=x',
          unsubscribeToken: 'x',
        }),
      );
      const bare = nodemailer.createTransport({
        pool: true,
        maxConnections: 4,
        maxMessages: Number.POSITIVE_INFINITY,
        url: relay.url,
      } as never);
      collectGarbage();
      start = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = next++; i < messages.length; i = next++) {
            const m = messages[i]!;
            await bare.sendMail({ ...m, date: new Date(m.date) });
          }
        }),
      );
      const bareMs = performance.now() - start;
      bare.close();
      ctx.record(
        'relto daily brief (read path, composed, outbox, SMTP)',
        'briefs/s',
        SUBSCRIBERS / (reltoMs / 1000),
      );
      ctx.record('nodemailer alone, ready-made messages', 'briefs/s', SUBSCRIBERS / (bareMs / 1000));
      ctx.record(
        'relto daily brief (read path, composed, outbox, SMTP)',
        `s for ${SUBSCRIBERS}`,
        reltoMs / 1000,
      );
      ctx.record('nodemailer alone, ready-made messages', `s for ${SUBSCRIBERS}`, bareMs / 1000);
      ctx.log(
        `${SUBSCRIBERS} briefs (target ≤ 60 s): relto ${(reltoMs / 1000).toFixed(1)} s; nodemailer alone ${(bareMs / 1000).toFixed(1)} s`,
      );
    } finally {
      await node.close();
    }
  } finally {
    await relay.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
