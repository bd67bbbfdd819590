/**
 * The small XML subset CoT uses, scanned by hand: events are a few hundred bytes, so a DOM (or xml-js's
 * object tree) costs more than the work itself. No DTD, no entity expansion beyond the five predefined
 * entities and character references (a DOCTYPE is refused, so no billion laughs).
 */

/** Thrown by the scanner; cot.ts turns it into a ReltoError with a refusal reason. */
export class XmlSyntaxError extends Error {
  readonly at: number;
  constructor(message: string, at: number) {
    super(message);
    this.name = 'XmlSyntaxError';
    this.at = at;
  }
}

/** A start tag: its name, attributes as a flat [name, value, …] list, where it ends, self-closing or not. */
export interface Tag {
  name: string;
  attrs: string[];
  /** Index just after the tag's `>`. */
  end: number;
  selfClosing: boolean;
}

const LT = 60; // <
const GT = 62; // >
const SLASH = 47;
const EQ = 61;
const DQ = 34;
const SQ = 39;
const AMP = 38;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function isNameEnd(c: number): boolean {
  return isSpace(c) || c === SLASH || c === GT || c === EQ || Number.isNaN(c);
}

export function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the predefined entities and character references; any other `&` is a syntax error. */
export function decodeEntities(v: string, at: number): string {
  // An & that starts none of these is an entity this scanner does not define (there is no DTD here).
  if (v.replace(ENTITY, '').includes('&')) throw new XmlSyntaxError('undefined entity', at);
  return v.replace(ENTITY, (_m, hex: string | undefined, dec: string | undefined, named?: string) => {
    if (named !== undefined) return NAMED[named]!;
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number.parseInt(dec!, 10);
    if (code > 0x10ffff || code === 0) throw new XmlSyntaxError('bad character reference', at);
    return String.fromCodePoint(code);
  });
}

/** Reads the start tag at `i` (which must be `<` followed by a name). */
export function readTag(s: string, i: number): Tag {
  let j = i + 1;
  while (!isNameEnd(s.charCodeAt(j))) j++;
  if (j === i + 1) throw new XmlSyntaxError('expected an element name', i);
  const name = s.slice(i + 1, j);
  const attrs: string[] = [];
  for (;;) {
    j = skipSpace(s, j);
    const c = s.charCodeAt(j);
    if (c === GT) return { name, attrs, end: j + 1, selfClosing: false };
    if (c === SLASH) {
      if (s.charCodeAt(j + 1) !== GT) throw new XmlSyntaxError('expected />', j);
      return { name, attrs, end: j + 2, selfClosing: true };
    }
    if (Number.isNaN(c)) throw new XmlSyntaxError(`unterminated <${name}>`, i);
    const a = j;
    while (!isNameEnd(s.charCodeAt(j))) j++;
    if (j === a) throw new XmlSyntaxError('expected an attribute name', j);
    const attr = s.slice(a, j);
    j = skipSpace(s, j);
    if (s.charCodeAt(j) !== EQ) throw new XmlSyntaxError(`expected = after ${attr}`, j);
    j = skipSpace(s, j + 1);
    const q = s.charCodeAt(j);
    if (q !== DQ && q !== SQ) throw new XmlSyntaxError(`expected a quoted value for ${attr}`, j);
    const close = s.indexOf(q === DQ ? '"' : "'", j + 1);
    if (close < 0) throw new XmlSyntaxError(`unterminated value of ${attr}`, j);
    let value = s.slice(j + 1, close);
    if (value.indexOf('<') >= 0) throw new XmlSyntaxError(`< in the value of ${attr}`, j);
    if (value.indexOf('&') >= 0) value = decodeEntities(value, j);
    for (let k = 0; k < attrs.length; k += 2) {
      if (attrs[k] === attr) throw new XmlSyntaxError(`attribute ${attr} given twice`, a);
    }
    attrs.push(attr, value);
    j = close + 1;
    // XML needs space between attributes.
    const after = s.charCodeAt(j);
    if (!isSpace(after) && after !== GT && after !== SLASH) throw new XmlSyntaxError('expected a space', j);
  }
}

/**
 * Skips a comment, CDATA section or processing instruction starting at `i` (a `<!` or `<?`), returning
 * the index after it; -1 when `i` starts none of them.
 */
export function skipMarkup(s: string, i: number): number {
  const c = s.charCodeAt(i + 1);
  if (c === 33 /* ! */) {
    if (s.startsWith('<!--', i)) return endOf(s, '-->', i + 4);
    if (s.startsWith('<![CDATA[', i)) return endOf(s, ']]>', i + 9);
    throw new XmlSyntaxError('DOCTYPE and declarations are not accepted', i);
  }
  if (c === 63 /* ? */) return endOf(s, '?>', i + 2);
  return -1;
}

function endOf(s: string, marker: string, from: number): number {
  const k = s.indexOf(marker, from);
  if (k < 0) throw new XmlSyntaxError(`unterminated ${marker === '-->' ? 'comment' : 'section'}`, from);
  return k + marker.length;
}

/** Reads the end tag `</name>` at `i`; returns its name and the index after it. */
export function readEndTag(s: string, i: number): { name: string; end: number } {
  const close = s.indexOf('>', i + 2);
  if (close < 0) throw new XmlSyntaxError('unterminated end tag', i);
  const name = s.slice(i + 2, close).trimEnd();
  return { name, end: close + 1 };
}

/**
 * Skips the content of the element `name` whose start tag ended at `i`, returning the index after its
 * end tag. Nested elements must be well formed.
 */
export function skipContent(s: string, i: number, name: string): number {
  const stack = [name];
  for (;;) {
    const j = s.indexOf('<', i);
    if (j < 0) throw new XmlSyntaxError(`unterminated <${stack[stack.length - 1]}>`, i);
    const c = s.charCodeAt(j + 1);
    if (c === SLASH) {
      const end = readEndTag(s, j);
      const open = stack.pop();
      if (end.name !== open) throw new XmlSyntaxError(`</${end.name}> closes <${open}>`, j);
      if (stack.length === 0) return end.end;
      i = end.end;
      continue;
    }
    const m = skipMarkup(s, j);
    if (m >= 0) {
      i = m;
      continue;
    }
    const tag = readTag(s, j);
    if (!tag.selfClosing) stack.push(tag.name);
    i = tag.end;
  }
}

/** Index of the next `<` at or after `i` (text between elements is skipped), or -1. */
export function nextTag(s: string, i: number): number {
  return s.indexOf('<', i);
}

/** Escapes a value for a double-quoted attribute (whitespace kept as character references). */
export function escapeAttr(v: string): string {
  let needs = false;
  for (let k = 0; k < v.length; k++) {
    const c = v.charCodeAt(k);
    if (c === AMP || c === LT || c === GT || c === DQ || c === 10 || c === 13 || c === 9) {
      needs = true;
      break;
    }
  }
  if (!needs) return v;
  return v
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}
