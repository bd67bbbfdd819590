import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailMessage } from '../../brief/index.js';
import type { StixObject } from '../../store/index.js';
import type { ReltoNode } from '../node-service.js';
import type { Person } from '../service.js';
import {
  addKorPeople,
  DIALECTS,
  HIGH_ID,
  LOW_ID,
  labelMarkings,
  makeNode,
  type NodeHarness,
  uuid,
} from '../test-support/node-harness.js';
import { type CaughtMail, SmtpCatcher } from '../test-support/smtp-catcher.js';
import { type MailTransport, smtpTransport } from './index.js';

/*
 * The daily brief against a real SMTP server on loopback (contracts §11): nothing but the confirmation until it
 * is confirmed; the brief at the subscriber's own time, once a day, across a restart mid-send; headlines
 * verbatim with places as the reader's party names them; classified items as counts only (a CANARY in a SECRET
 * item's title never reaches any mail); a 4xx tried again, a 5xx recorded; DKIM-signed with the node's key.
 */

const NEWS = fileURLToPath(new URL('../../../data/demo/news.xml', import.meta.url));
const CANARY = 'CANARY-4e1f9b';

const { dkimVerify } = createRequire(import.meta.url)('mailauth/lib/dkim/verify') as {
  dkimVerify: (
    message: Buffer,
    options: { resolver: (name: string, type: string) => Promise<string[][]> },
  ) => Promise<{ results: { status: { result: string } }[] }>;
};

function report(name: string, marking: string): StixObject {
  return {
    type: 'report',
    spec_version: '2.1',
    id: `report--${uuid()}`,
    created: '2026-12-08T09:00:00.000Z',
    modified: '2026-12-08T09:00:00.000Z',
    name,
    description: `${name}: launch preparations seen at the site`,
    published: '2026-12-08T09:00:00.000Z',
    report_types: ['threat-report'],
    object_refs: [`location--${uuid()}`],
    object_marking_refs: [marking],
  };
}

function tokenOf(mail: CaughtMail): string {
  const m = /\/brief\/confirm\?token=([\w-]+)/.exec(mail.parsed.text ?? '');
  if (!m) throw new Error('no confirmation link in the mail');
  return m[1]!;
}

for (const dialect of DIALECTS) {
  describe(`the daily brief (${dialect})`, () => {
    let h: NodeHarness;
    let node: ReltoNode;
    let people: Record<string, Person>;
    const smtp = new SmtpCatcher();
    let clock = Date.parse('2026-12-08T10:00:00.000Z');
    const newsTitles: string[] = [];

    /** Subscribes, follows the mailed link, and answers the confirmation mail. */
    async function subscribeConfirmed(
      n: ReltoNode,
      who: Person,
      input: { email: string; time: string; timeZone: string; lang: 'ko' | 'ja' | 'en'; topics?: string[] },
    ): Promise<CaughtMail> {
      const before = smtp.mails.length;
      expect((await n.brief.subscribe(who, { topics: [], ...input })).state).toBe('pending');
      await n.brief.deliver();
      const mail = (await smtp.waitFor(before + 1)).at(-1)!;
      expect(mail.to).toEqual([input.email]);
      await n.brief.confirm(tokenOf(mail));
      return mail;
    }

    beforeAll(async () => {
      await smtp.start();
      h = await makeNode(dialect);
      node = await h.open({ now: () => clock });
      people = await addKorPeople(node);
      node.brief.configure({
        publicUrl: 'http://relto.test',
        from: 'relto-kor@relto.test',
        transport: smtpTransport(smtp.url),
      });
      const feed = await node.admin.addFeed({ file: NEWS, topics: ['DPRK-MISSILE'] });
      expect((await node.admin.pollFeed(feed.id)).taken).toBe(24);
      const result = await node.postObjects(people.analyst!, [
        ...labelMarkings(),
        report(`${CANARY} Sinpo SLBM barge moved`, HIGH_ID),
        report('Coastal radar maintenance schedule', LOW_ID),
      ]);
      expect(result.total).toBe(4);
      const news = await node.listObjects(people.analyst!, { types: ['report'], limit: 1000 });
      for (const o of news.objects) {
        if ((o.report_types as string[]).includes('news')) newsTitles.push(o.name as string);
      }
      expect(newsTitles).toHaveLength(24);
    });
    afterAll(async () => {
      await node?.close();
      await h?.cleanup();
      await smtp.stop();
    });

    it('sends only the confirmation until its link is followed, then the brief at 07:00 in Seoul, once', async () => {
      clock = Date.parse('2026-12-08T10:05:00.000Z'); // 19:05 in Seoul
      const pending = await node.brief.subscribe(people.analyst!, {
        email: 'analyst@mil.test',
        time: '07:00',
        timeZone: 'Asia/Seoul',
        lang: 'ko',
        topics: [],
      });
      expect(pending).toMatchObject({ state: 'pending', email: 'analyst@mil.test' });
      await node.brief.deliver();
      const [confirmation] = smtp.to('analyst@mil.test');
      expect(confirmation!.parsed.subject).toBe('relto 일일 브리핑 구독 확인');
      expect(confirmation!.parsed.text).toContain('http://relto.test/brief/confirm?token=');
      // Unconfirmed: its time passes and nothing is sent.
      clock = Date.parse('2026-12-08T22:30:00.000Z');
      expect((await node.brief.runDue()).queued).toBe(0);
      expect(smtp.to('analyst@mil.test')).toHaveLength(1);

      clock = Date.parse('2026-12-08T10:10:00.000Z');
      const confirmed = await node.brief.confirm(tokenOf(confirmation!));
      expect(confirmed).toMatchObject({ state: 'confirmed', nextSendAt: '2026-12-08T22:00:00.000Z' });
      await expect(node.brief.confirm(tokenOf(confirmation!))).rejects.toMatchObject({ code: 'NOT_FOUND' });

      clock = Date.parse('2026-12-08T21:59:00.000Z'); // 06:59 in Seoul
      expect((await node.brief.runDue()).queued).toBe(0);
      clock = Date.parse('2026-12-08T22:00:05.000Z'); // 07:00 in Seoul
      expect(await node.brief.runDue()).toMatchObject({ queued: 1, sent: 1, relay: true });
      const briefs = smtp.to('analyst@mil.test');
      expect(briefs).toHaveLength(2);
      const brief = briefs[1]!;
      const p = brief.parsed;
      expect(p.subject).toBe('relto 일일 브리핑 2026-12-09');
      expect(p.messageId).toMatch(/^<brief\.2026-12-09\.[0-9a-f]{24}@relto\.test>$/);
      expect(p.date?.toISOString()).toBe('2026-12-08T22:00:05.000Z');
      expect(brief.raw).toMatch(/^List-ID: relto daily brief <brief\.kor\.relto\.test>\r$/m);
      const unsubscribe = brief.raw
        .match(/^List-Unsubscribe:(.*(?:\r\n[ \t].*)*)/m)![1]!
        .replace(/\r\n[ \t]/g, ' ')
        .trim();
      expect(unsubscribe).toMatch(
        /^<http:\/\/relto\.test\/brief\/unsubscribe\?token=[\w-]+>, <mailto:relto-kor@relto\.test\?subject=unsubscribe%20[\w-]+>$/,
      );
      expect(brief.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
      expect(brief.raw).toMatch(/^Content-Type: multipart\/alternative;/m);
      // Headlines exactly as published, each in text and HTML; the places as KOR names them in Korean.
      for (const title of newsTitles) expect(p.text).toContain(title);
      expect(p.text).toMatch(
        /\* 竹島周辺で韓国の海洋調査、外務省が抗議\n {2}출처: relto demo news · 장소: 독도/,
      );
      expect(p.html).toContain('竹島周辺で韓国の海洋調査、外務省が抗議');
      // Classified: counts per partner and level, never a word of the item.
      expect(p.text).toContain('* 대한민국, 군사II급비밀: 1건');
      expect(p.text).toContain('* 대한민국, 군사III급비밀: 1건');
      expect(p.text).not.toContain('Coastal radar');
      expect(p.text).toContain('http://relto.test/inbox');
      for (const m of smtp.mails) expect(m.raw).not.toContain(CANARY);

      // Once a day: the scheduler and `brief send` find it sent.
      expect((await node.brief.runDue()).queued).toBe(0);
      expect((await node.brief.sendDay('2026-12-09')).queued).toBe(0);
      expect(smtp.to('analyst@mil.test')).toHaveLength(2);
      expect((await node.brief.subscription(people.analyst!))?.nextSendAt).toBe('2026-12-09T22:00:00.000Z');
    });

    it('gives a CONFIDENTIAL reader the count they may read, in English, with KOR’s name for the place', async () => {
      clock = Date.parse('2026-12-08T11:00:00.000Z');
      await subscribeConfirmed(node, people['analyst-low']!, {
        email: 'low@mil.test',
        time: '08:30',
        timeZone: 'America/New_York',
        lang: 'en',
      });
      // `brief send` at 11:00 UTC, before 08:30 in New York: sent now, for New York's date (and the analyst's
      // brief of Seoul's date, the 8th, which the schedule had not sent).
      const sent = await node.brief.sendDay();
      expect(sent).toMatchObject({ queued: 2, sent: 2 });
      expect(smtp.to('analyst@mil.test').at(-1)!.parsed.subject).toBe('relto 일일 브리핑 2026-12-08');
      const brief = smtp.to('low@mil.test').at(-1)!.parsed;
      expect(brief.subject).toBe('relto daily brief, 2026-12-08');
      expect(brief.text).toMatch(
        /Research vessel activity near Liancourt Rocks draws protests\n {2}Source: relto demo news · Places: Dokdo/,
      );
      expect(brief.text).toContain('* Republic of Korea, 군사III급비밀 (gunsa 3-geup bimil): 1');
      expect(brief.text).not.toContain('군사II급비밀');
      for (const m of smtp.mails) expect(m.raw).not.toContain(CANARY);
      // That date is done: asked again, nothing more.
      expect((await node.brief.sendDay('2026-12-08')).queued).toBe(0);
    });

    it('narrows the news to the subscriber’s topics', async () => {
      clock = Date.parse('2026-12-08T11:30:00.000Z');
      await expect(
        node.brief.subscribe(people.security!, {
          email: 'security@mil.test',
          time: '07:00',
          timeZone: 'Asia/Seoul',
          lang: 'ko',
          topics: ['NOT-A-TOPIC'],
        }),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', path: '/topics/0' });
      expect(await node.brief.topics(people.security!)).toEqual(['DPRK-MISSILE']);
    });

    it('tries a mail again after a 4xx, and records a 5xx for good', async () => {
      clock = Date.parse('2026-12-08T12:00:00.000Z');
      smtp.refuseNext(451);
      await node.brief.subscribe(people.admin!, {
        email: 'admin@mil.test',
        time: '06:00',
        timeZone: 'Asia/Tokyo',
        lang: 'ja',
        topics: [],
      });
      // Subscribing hands the confirmation to the relay at once; it says 451.
      await node.brief.deliver();
      const [queued] = await node.store.listMail({ person: 'admin', state: 'queued' });
      expect(queued).toMatchObject({ attempts: 1, nextAttemptAt: '2026-12-08T12:00:30.000Z' });
      expect(queued!.lastError).toContain('451');
      expect(await node.brief.deliver()).toMatchObject({ sent: 0, retrying: 0 });
      clock += 30_000;
      expect(await node.brief.deliver()).toMatchObject({ sent: 1, retrying: 0 });
      expect(smtp.to('admin@mil.test')[0]!.parsed.subject).toBe('relto デイリーブリーフの購読確認');

      smtp.refuseNext(550);
      await node.brief.subscribe(people.admin!, {
        email: 'nobody@mil.test',
        time: '06:00',
        timeZone: 'Asia/Tokyo',
        lang: 'ja',
        topics: [],
      });
      await node.brief.deliver();
      const [failed] = await node.store.listMail({ person: 'admin', state: 'failed' });
      expect(failed!.lastError).toContain('550');
      expect(smtp.to('nobody@mil.test')).toEqual([]);
    });

    it('refuses a subscription that names no address, time or zone, naming the field', async () => {
      const base = {
        email: 'a@mil.test',
        time: '07:00',
        timeZone: 'Asia/Seoul',
        lang: 'ko' as const,
        topics: [],
      };
      for (const [change, pointer] of [
        [{ email: 'not an address' }, '/email'],
        [{ time: '7am' }, '/time'],
        [{ time: '24:00' }, '/time'],
        [{ timeZone: 'Mars/Olympus' }, '/timeZone'],
      ] as const) {
        await expect(node.brief.subscribe(people.security!, { ...base, ...change })).rejects.toMatchObject({
          code: 'INVALID_ARGUMENT',
          path: pointer,
        });
      }
      expect(await node.brief.subscription(people.security!)).toBeNull();
    });

    it('ends a subscription by its one-click token; what waited in the outbox is not sent', async () => {
      clock = Date.parse('2026-12-08T13:00:00.000Z');
      await subscribeConfirmed(node, people.security!, {
        email: 'sec@mil.test',
        time: '07:00',
        timeZone: 'Asia/Seoul',
        lang: 'ko',
      });
      const relay = node.brief;
      relay.configure({ transport: undefined });
      expect((await relay.sendDay()).queued).toBe(1);
      const held = (await node.store.listMail({ person: 'security', kind: 'brief' }))[0]!;
      const token = /token=([\w-]+)/.exec(
        (JSON.parse(held.message) as MailMessage).headers['List-Unsubscribe']!,
      )![1]!;
      expect(await node.brief.unsubscribe(token)).toEqual({ lang: 'ko' });
      expect(await node.brief.unsubscribe(token)).toBeNull();
      relay.configure({ transport: smtpTransport(smtp.url) });
      expect((await relay.deliver()).sent).toBe(0);
      expect(smtp.to('sec@mil.test')).toHaveLength(1); // the confirmation only
      expect(await node.brief.subscription(people.security!)).toBeNull();
    });
  });
}

describe('the daily brief across a restart mid-send', () => {
  it('sends each subscriber one brief for the day: what the stopped node sent is not sent again', async () => {
    const smtp = await new SmtpCatcher().start();
    const h = await makeNode('sqlite');
    let clock = Date.parse('2026-12-08T10:00:00.000Z');
    const a = await h.open({ now: () => clock });
    let b: ReltoNode | undefined;
    const release: (() => void)[] = [];
    try {
      const people = await addKorPeople(a);
      a.brief.configure({ publicUrl: 'http://relto.test', transport: smtpTransport(smtp.url) });
      const names = ['analyst', 'analyst-low', 'security', 'admin'];
      for (const name of names) {
        await a.brief.subscribe(people[name]!, {
          email: `${name}@mil.test`,
          time: '07:00',
          timeZone: 'Asia/Seoul',
          lang: 'ko',
          topics: [],
        });
      }
      await a.brief.deliver();
      for (const m of await smtp.waitFor(4)) await a.brief.confirm(tokenOf(m));
      // The relay takes one brief; then the node stalls mid-send (a crash, as far as the outbox knows).
      const real = smtpTransport(smtp.url);
      let passed = 0;
      const stalling: MailTransport = {
        async send(m) {
          if (passed++ < 1) return real.send(m);
          await new Promise<void>((_, reject) => release.push(() => reject(new Error('stopped'))));
        },
        close: () => real.close(),
      };
      a.brief.configure({ transport: stalling });
      const first = a.brief.sendDay('2026-12-09');
      await smtp.waitFor(5);
      // The node comes back (a second process on the same data) after the stalled claims' lease ran out.
      clock += 3 * 60_000;
      b = await h.open({ now: () => clock });
      b.brief.configure({ publicUrl: 'http://relto.test', transport: smtpTransport(smtp.url) });
      expect(await b.brief.sendDay('2026-12-09')).toMatchObject({ queued: 0, sent: 3 });
      for (const r of release) r();
      await first;
      expect(await b.brief.sendDay('2026-12-09')).toMatchObject({ queued: 0, sent: 0 });
      const briefs = smtp.mails.filter((m) => m.parsed.subject?.includes('일일 브리핑 2026-12-09'));
      expect(briefs.map((m) => m.to[0]).sort()).toEqual(names.map((n) => `${n}@mil.test`).sort());
      expect((await b.store.listMail({ kind: 'brief', state: 'sent' })).length).toBe(4);
    } finally {
      for (const r of release) r();
      await a.close();
      await b?.close();
      await h.cleanup();
      await smtp.stop();
    }
  });
});

describe('DKIM', () => {
  it('signs a brief with the node’s key so that a receiver verifies it', async () => {
    const smtp = await new SmtpCatcher().start();
    const h = await makeNode('sqlite');
    const node = await h.open();
    try {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const people = await addKorPeople(node);
      node.brief.configure({
        publicUrl: 'http://relto.test',
        from: 'relto-kor@relto.test',
        transport: smtpTransport(smtp.url, {
          dkim: {
            domainName: 'relto.test',
            keySelector: 'brief',
            privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
          },
        }),
      });
      await node.brief.subscribe(people.analyst!, {
        email: 'analyst@mil.test',
        time: '07:00',
        timeZone: 'Asia/Seoul',
        lang: 'en',
        topics: [],
      });
      await node.brief.deliver();
      const [mail] = await smtp.waitFor(1);
      const der = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');
      const resolver = async (name: string, type: string) => {
        if (name === 'brief._domainkey.relto.test' && type === 'TXT') return [[`v=DKIM1; k=rsa; p=${der}`]];
        throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
      };
      const verified = await dkimVerify(Buffer.from(mail!.raw), { resolver });
      expect(verified.results.map((r) => r.status.result)).toEqual(['pass']);
      // Changed after signing: the signature no longer holds.
      const forged = mail!.raw.replace('Confirm your relto daily brief', 'Confirm your relto daily brieF');
      const broken = await dkimVerify(Buffer.from(forged), { resolver });
      expect(broken.results.map((r) => r.status.result)).toEqual(['fail']);
    } finally {
      await node.close();
      await h.cleanup();
      await smtp.stop();
    }
  });
});
