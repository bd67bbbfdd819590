/** TAXII 2.1 media types (TAXII 2.1 §1.6.8): requests and responses carry this one. */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
/** The media type of the STIX objects a collection holds. */
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

interface MediaRange {
  type: string;
  subtype: string;
  params: Map<string, string>;
}

function parseMediaRange(text: string): MediaRange | null {
  const [essence, ...rest] = text.split(';').map((s) => s.trim());
  const m = /^([a-z0-9!#$&^_.+*-]+)\/([a-z0-9!#$&^_.+*-]+)$/i.exec(essence ?? '');
  if (!m) return null;
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    params.set(
      p.slice(0, eq).trim().toLowerCase(),
      p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1'),
    );
  }
  return { type: m[1]!.toLowerCase(), subtype: m[2]!.toLowerCase(), params };
}

/** A `version` parameter that is absent (= the latest, TAXII 2.1 §1.6.8.1) or 2.1. */
function versionOk(params: Map<string, string>): boolean {
  const v = params.get('version');
  return v === undefined || v === '2.1';
}

/**
 * True when the Accept header lets us answer with TAXII 2.1 JSON: absent, `*\/*`, `application/*`, or
 * `application/taxii+json` without a version or with version 2.1; anything else is 406.
 */
export function acceptsTaxii(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  for (const part of accept.split(',')) {
    const range = parseMediaRange(part);
    if (!range) continue;
    const q = range.params.get('q');
    if (q !== undefined && Number(q) === 0) continue;
    if (range.type === '*' && range.subtype === '*') return true;
    if (range.type === 'application' && range.subtype === '*') return true;
    if (range.type === 'application' && range.subtype === 'taxii+json' && versionOk(range.params))
      return true;
  }
  return false;
}

/**
 * True for a POST body media type we accept: TAXII 2.1 JSON (an envelope), or STIX 2.1 JSON (a bundle,
 * accepted too since it carries the same `objects`).
 */
export function isTaxiiContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const range = parseMediaRange(contentType);
  if (range?.type !== 'application') return false;
  return (range.subtype === 'taxii+json' || range.subtype === 'stix+json') && versionOk(range.params);
}
