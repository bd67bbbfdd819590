import type { ReltoClient } from '../client/index.js';
import type { Party } from './layout.js';
import type { DemoMailSink } from './mail-sink.js';

/** Each demo node's readers take the brief in their nation's language, at 07:00 in their capital's zone. */
const PREFERENCES: Record<Party, { lang: 'ko' | 'ja' | 'en'; timeZone: string }> = {
  KOR: { lang: 'ko', timeZone: 'Asia/Seoul' },
  JPN: { lang: 'ja', timeZone: 'Asia/Tokyo' },
  USA: { lang: 'en', timeZone: 'America/New_York' },
};

/** The demo people who take the daily brief: the two analysts of every node. */
export const BRIEF_READERS = ['analyst', 'analyst-low'] as const;

export function demoAddress(party: Party, name: string): string {
  return `${name}@${party.toLowerCase()}.relto.example`;
}

/**
 * First start: each analyst subscribes through their node's API, and the link in the confirmation mail that
 * reaches the sink is followed, as a person would.
 */
export async function subscribeAnalysts(
  as: (party: Party, name: string) => Promise<ReltoClient>,
  parties: readonly Party[],
  sink: DemoMailSink,
): Promise<void> {
  await Promise.all(
    parties.flatMap((party) =>
      BRIEF_READERS.map(async (name) => {
        const email = demoAddress(party, name);
        const client = await as(party, name);
        await client.subscribeBrief({ email, time: '07:00', topics: [], ...PREFERENCES[party] });
        const mail = await sink.waitFor(
          (m) => m.to.includes(email) && m.text.includes('/brief/confirm?token='),
        );
        const link = /(https?:\/\/\S+\/brief\/confirm\?token=[\w-]+)/.exec(mail.text)?.[1];
        if (!link) throw new Error(`no confirmation link in the mail to ${email}`);
        const res = await fetch(link);
        if (!res.ok) throw new Error(`confirming ${email} answered ${res.status}`);
      }),
    ),
  );
}

/**
 * Every start: each node's administrator polls the news (so the brief holds it) and sends the day's briefs;
 * a subscriber and date already sent is skipped, so a restart the same day sends nothing twice.
 */
export async function sendBriefs(
  as: (party: Party, name: string) => Promise<ReltoClient>,
  parties: readonly Party[],
): Promise<{ party: Party; sent: number }[]> {
  return Promise.all(
    parties.map(async (party) => {
      const admin = await as(party, 'admin');
      const { feeds } = (await admin.feeds()) as { feeds: { id: string }[] };
      for (const f of feeds) await admin.pollFeed(f.id);
      const result = (await admin.sendBriefs()) as { sent: number };
      return { party, sent: result.sent };
    }),
  );
}
