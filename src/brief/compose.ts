import type { Lang } from '../label/index.js';
import { briefWords } from './words.js';

/** One open-source headline of a brief: the item's title verbatim, its source, and the places it names. */
export interface BriefHeadline {
  id: string;
  /** As published: never translated or renamed. */
  headline: string;
  source: string;
  url?: string;
  /** Topic ids of the item's label beside OSINT (its feed's topics). */
  topics: string[];
  /** The places it mentions, each named as the subscriber's party names it, in the subscriber's language. */
  places: string[];
  /** When the node took it in (orders the headlines, newest first). */
  added: string;
}

/** Classified items the subscriber may read, as a count per partner and level: never a title or a word. */
export interface BriefCount {
  /** The originating party's name in the subscriber's language. */
  partner: string;
  /** The level as the subscriber's nation names it. */
  level: string;
  count: number;
}

export interface BriefContent {
  lang: Lang;
  /** The node's party, named in the subscriber's language. */
  party: string;
  /** The subscriber's local date the brief is for. */
  date: string;
  headlines: BriefHeadline[];
  counts: BriefCount[];
  /** A topic id's name in the subscriber's language. */
  topicName: (id: string) => string;
  workspaceUrl: string;
  unsubscribeUrl: string;
}

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

/** Headlines grouped by topic, then by the first place each names (groups with the most news first). */
export function groupHeadlines(
  headlines: readonly BriefHeadline[],
  generalTopic: string,
  otherPlaces: string,
  topicName: (id: string) => string,
): { topic: string; places: { place: string; headlines: BriefHeadline[] }[] }[] {
  const byTopic = new Map<string, Map<string, BriefHeadline[]>>();
  const newestFirst = [...headlines].sort((a, b) => (a.added < b.added ? 1 : a.added > b.added ? -1 : 0));
  for (const h of newestFirst) {
    const topic = h.topics[0] ? topicName(h.topics[0]) : generalTopic;
    const place = h.places[0] ?? otherPlaces;
    let places = byTopic.get(topic);
    if (!places) {
      places = new Map();
      byTopic.set(topic, places);
    }
    let list = places.get(place);
    if (!list) {
      list = [];
      places.set(place, list);
    }
    list.push(h);
  }
  const size = (m: Map<string, BriefHeadline[]>) => [...m.values()].reduce((n, l) => n + l.length, 0);
  return [...byTopic.entries()]
    .sort((a, b) => size(b[1]) - size(a[1]) || a[0].localeCompare(b[0]))
    .map(([topic, places]) => ({
      topic,
      places: [...places.entries()]
        .sort(
          (a, b) =>
            Number(a[0] === otherPlaces) - Number(b[0] === otherPlaces) ||
            b[1].length - a[1].length ||
            a[0].localeCompare(b[0]),
        )
        .map(([place, list]) => ({ place, headlines: list })),
    }));
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML character data or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** The brief as plain text and HTML, in the subscriber's language (contracts §11). */
export function composeBrief(c: BriefContent): ComposedMail {
  const w = briefWords[c.lang];
  const groups = groupHeadlines(c.headlines, w.generalTopic, w.otherPlaces, c.topicName);
  const text: string[] = [w.heading(c.party, c.date), '', w.newsHeading, ''];
  const html: string[] = [
    `<!doctype html><html lang="${c.lang}"><head><meta charset="utf-8"><title>${escapeHtml(w.subject(c.date))}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.4">',
    `<h1>${escapeHtml(w.heading(c.party, c.date))}</h1>`,
    `<h2>${escapeHtml(w.newsHeading)}</h2>`,
  ];
  if (groups.length === 0) {
    text.push(w.noNews, '');
    html.push(`<p>${escapeHtml(w.noNews)}</p>`);
  }
  for (const g of groups) {
    text.push(`== ${g.topic} ==`);
    html.push(`<h3>${escapeHtml(g.topic)}</h3>`);
    for (const p of g.places) {
      text.push(`-- ${p.place}`);
      html.push(`<h4>${escapeHtml(p.place)}</h4><ul>`);
      for (const h of p.headlines) {
        const places = h.places.length > 0 ? ` · ${w.places}: ${h.places.join(', ')}` : '';
        // Only a web address becomes a link (an item taken in before links were checked may hold another).
        const url = h.url && /^https?:\/\//i.test(h.url) ? h.url : undefined;
        text.push(`* ${h.headline}`, `  ${w.source}: ${h.source}${places}`);
        if (url) text.push(`  ${url}`);
        const title = url
          ? `<a href="${escapeHtml(url)}">${escapeHtml(h.headline)}</a>`
          : escapeHtml(h.headline);
        html.push(
          `<li>${title}<br><small>${escapeHtml(w.source)}: ${escapeHtml(h.source)}${escapeHtml(places)}</small></li>`,
        );
      }
      text.push('');
      html.push('</ul>');
    }
  }
  text.push(w.classifiedHeading, '');
  html.push(`<h2>${escapeHtml(w.classifiedHeading)}</h2>`);
  if (c.counts.length === 0) {
    text.push(w.noClassified);
    html.push(`<p>${escapeHtml(w.noClassified)}</p>`);
  } else {
    text.push(w.classifiedNote);
    html.push(`<p>${escapeHtml(w.classifiedNote)}</p><ul>`);
    for (const n of c.counts) {
      text.push(`* ${w.countLine(n.partner, n.level, n.count)}`);
      html.push(`<li>${escapeHtml(w.countLine(n.partner, n.level, n.count))}</li>`);
    }
    html.push('</ul>');
  }
  text.push(
    '',
    `${w.openWorkspace}: ${c.workspaceUrl}`,
    '',
    '--',
    w.footer,
    `${w.unsubscribe}: ${c.unsubscribeUrl}`,
  );
  html.push(
    `<p><a href="${escapeHtml(c.workspaceUrl)}">${escapeHtml(w.openWorkspace)}</a></p>`,
    `<hr><p><small>${escapeHtml(w.footer)} <a href="${escapeHtml(c.unsubscribeUrl)}">${escapeHtml(w.unsubscribe)}</a></small></p>`,
    '</body></html>',
  );
  return { subject: w.subject(c.date), text: `${text.join('\n')}\n`, html: html.join('\n') };
}

/** The confirmation mail of a new subscription. */
export function composeConfirmation(input: {
  lang: Lang;
  person: string;
  party: string;
  time: string;
  timeZone: string;
  confirmUrl: string;
}): ComposedMail {
  const w = briefWords[input.lang];
  const body = w.confirmBody(input.person, input.party, input.time, input.timeZone);
  const text = [
    body,
    '',
    `${w.confirmAction}: ${input.confirmUrl}`,
    '',
    w.confirmExpiry,
    w.confirmIgnore,
    '',
  ].join('\n');
  const html = [
    `<!doctype html><html lang="${input.lang}"><head><meta charset="utf-8"><title>${escapeHtml(w.confirmSubject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.4">',
    `<p>${escapeHtml(body)}</p>`,
    `<p><a href="${escapeHtml(input.confirmUrl)}">${escapeHtml(w.confirmAction)}</a></p>`,
    `<p><small>${escapeHtml(w.confirmExpiry)} ${escapeHtml(w.confirmIgnore)}</small></p>`,
    '</body></html>',
  ].join('\n');
  return { subject: w.confirmSubject, text, html };
}
