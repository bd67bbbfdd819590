import { XMLValidator } from 'fast-xml-parser';
import { parseFeed } from 'feedsmith';
import { Parser } from 'htmlparser2';
import iconv from 'iconv-lite';
import sanitizeHtml from 'sanitize-html';
import { FeedProblem } from './problem.js';

/** One news item as published: nothing in it is rewritten, translated or renamed. */
export interface FeedItem {
  /** The item's own id (RSS guid, Atom id, RDF about), when it has one. */
  guid?: string;
  link?: string;
  /** The title, markup removed, exactly as published otherwise. */
  title: string;
  /** The text (description, summary or content), markup removed. */
  text: string;
  /** The item's date (ISO 8601), when it carries one that reads as a date. */
  published?: string;
}

export interface ReadFeed {
  format: 'rss' | 'atom' | 'rdf';
  title: string;
  items: FeedItem[];
}

/**
 * The charset a feed's bytes are in: the HTTP header's, else the XML declaration's, else a byte-order mark's,
 * else UTF-8 (XML's default). Read from the bytes' first line only: no XML is parsed here.
 */
export function charsetOf(bytes: Uint8Array, contentType?: string): string {
  const header = /;\s*charset\s*=\s*"?([A-Za-z0-9._:-]+)"?/i.exec(contentType ?? '')?.[1];
  if (header) return header;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  const head = Buffer.from(bytes.subarray(0, 256)).toString('latin1');
  return /^\s*<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1] ?? 'utf-8';
}

/** The feed's text, decoded from the charset it declares. */
export function decodeFeed(bytes: Uint8Array, contentType?: string): string {
  const charset = charsetOf(bytes, contentType);
  if (iconv.encodingExists(charset)) return iconv.decode(Buffer.from(bytes), charset).replace(/^\uFEFF/, '');
  // iconv-lite has no stateful ISO-2022 decoders; the platform's WHATWG decoder (ICU) has ISO-2022-JP.
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    throw new FeedProblem('charset', `the feed declares the charset ${charset}, which relto cannot read`);
  }
  return decoder.decode(bytes);
}

/** Elements after which text continues on a new line (so words of two paragraphs never run together). */
const BLOCKS = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'tr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'section',
  'article',
  'figure',
  'figcaption',
  'table',
  'hr',
]);

/**
 * Text without markup. Text with neither a tag nor an entity is kept exactly as published (trimmed only);
 * otherwise the sanitiser drops scripts, styles and every attribute and keeps only block elements, and the
 * HTML parser reads the text, entities decoded, with a line break where a block ends.
 */
export function plainText(html: string): string {
  if (!/[<&]/.test(html)) return html.trim();
  const clean = sanitizeHtml(html, { allowedTags: [...BLOCKS], allowedAttributes: {} });
  let out = '';
  const parser = new Parser(
    {
      ontext: (text) => {
        out += text;
      },
      onclosetag: (name) => {
        if (BLOCKS.has(name) && !out.endsWith('\n')) out += '\n';
      },
    },
    { decodeEntities: true },
  );
  parser.write(clean);
  parser.end();
  return out
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

function isoDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { value?: unknown }).value === 'string') {
    return (value as { value: string }).value;
  }
  return '';
}

/**
 * An http(s) address: the only links kept, since readers click them in the workspace and in mail (a
 * `javascript:` or `data:` link from a hostile feed is dropped, the item kept).
 */
function isWebLink(link: string): boolean {
  try {
    const { protocol } = new URL(link);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function item(fields: {
  guid?: unknown;
  link?: unknown;
  title?: unknown;
  text?: unknown;
  published?: unknown;
}): FeedItem {
  const out: FeedItem = { title: plainText(textOf(fields.title)), text: plainText(textOf(fields.text)) };
  const guid = textOf(fields.guid).trim();
  if (guid) out.guid = guid;
  const link = textOf(fields.link).trim();
  if (link && isWebLink(link)) out.link = link;
  const published = isoDate(fields.published);
  if (published) out.published = published;
  return out;
}

/**
 * Reads an RSS 2.0, RSS 1.0 (RDF) or Atom 1.0 document with feedsmith. A document that declares a DTD is
 * refused before any parsing: relto never reads DTDs, so no entity is ever expanded (XXE, billion laughs).
 */
export function readFeed(text: string): ReadFeed {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new FeedProblem('dtd', 'the feed declares a DTD or entities, which relto never reads');
  }
  // feedsmith's parser reads an unfinished document leniently; a feed that is not well-formed XML is refused.
  const wellFormed = XMLValidator.validate(text);
  if (wellFormed !== true) {
    const { msg, line } = wellFormed.err;
    throw new FeedProblem('malformed', `the feed is not well-formed XML (line ${line}): ${msg}`);
  }
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = parseFeed(text);
  } catch (e) {
    throw new FeedProblem(
      'malformed',
      `the feed is not RSS or Atom that can be read: ${(e as Error).message}`,
    );
  }
  switch (parsed.format) {
    case 'rss': {
      const f = parsed.feed;
      return {
        format: 'rss',
        title: plainText(textOf(f.title)),
        items: (f.items ?? []).map((i) =>
          item({
            guid: i.guid?.value,
            link: i.link,
            title: i.title,
            text: i.description ?? i.content?.encoded,
            published: i.pubDate ?? i.dc?.dates?.[0],
          }),
        ),
      };
    }
    case 'atom': {
      const f = parsed.feed;
      return {
        format: 'atom',
        title: plainText(textOf(f.title)),
        items: (f.entries ?? []).map((e) =>
          item({
            guid: e.id,
            link: (e.links ?? []).find((l) => !l.rel || l.rel === 'alternate')?.href,
            title: e.title,
            text: e.summary ?? e.content,
            published: e.published ?? e.updated,
          }),
        ),
      };
    }
    case 'rdf': {
      const f = parsed.feed;
      return {
        format: 'rdf',
        title: plainText(textOf(f.title)),
        items: (f.items ?? []).map((i) =>
          item({
            guid: i.rdf?.about,
            link: i.link,
            title: i.title,
            text: i.description ?? i.content?.encoded,
            published: i.dc?.dates?.[0],
          }),
        ),
      };
    }
    default:
      throw new FeedProblem('malformed', 'the document is a JSON Feed, not RSS or Atom');
  }
}
