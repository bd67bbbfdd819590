import { ReltoError } from '../errors/index.js';
import { formatInstant, parseInstant } from './instant.js';
import {
  type CotPoint,
  type ImpactPoint,
  type LaunchPoint,
  type Motion,
  PING_TYPE,
  PONG_TYPE,
  type RawDetail,
  type ReltoDetail,
  type Track,
} from './track.js';
import {
  escapeAttr,
  nextTag,
  readEndTag,
  readTag,
  skipContent,
  skipMarkup,
  skipSpace,
  type Tag,
  XmlSyntaxError,
} from './xml.js';

/** Why an event was refused: logged by the node, never forwarded. */
export type CotRefusalReason =
  | 'oversize'
  | 'malformed'
  | 'not-event'
  | 'missing-attribute'
  | 'no-point'
  | 'bad-point'
  | 'bad-time'
  | 'stale-before-start'
  | 'far-future'
  | 'bad-detail'
  | 'unlabelled'
  | 'bad-label';

export interface ParseOptions {
  /** Largest event accepted, in bytes (default 64 KiB). */
  maxBytes?: number;
  /** The node's clock, ms since the epoch (default Date.now()). */
  now?: number;
  /** How far `time` and `start` may lie ahead of `now` (clock skew; default 5 minutes). */
  maxFutureMs?: number;
}

export const DEFAULT_MAX_COT_BYTES = 64 * 1024;
export const DEFAULT_MAX_FUTURE_MS = 5 * 60_000;

/** The error an event is refused with: ReltoError INVALID_COT, the reason in `details.reason`. */
export function cotRefusal(reason: CotRefusalReason, message: string, path = ''): ReltoError {
  return new ReltoError('INVALID_COT', `CoT refused (${reason}): ${message}`, path, { reason });
}

function refuse(reason: CotRefusalReason, message: string, path = ''): never {
  throw cotRefusal(reason, message, path);
}

/** The refusal reason of an error thrown by parseCot (undefined for any other error). */
export function cotRefusalReason(e: unknown): CotRefusalReason | undefined {
  if (e instanceof ReltoError && e.code === 'INVALID_COT') {
    return (e.details as { reason: CotRefusalReason }).reason;
  }
  return undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses one XML CoT event into a Track. Throws ReltoError INVALID_COT (details.reason) for an event
 * that is oversize, malformed, without `<point>`, with unparseable times, stale before start or far in
 * the future. Hand-written for the hot path; agrees with @tak-ps/node-cot on the golden fixtures.
 */
export function parseCot(input: string | Uint8Array, options: ParseOptions = {}): Track {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_COT_BYTES;
  let s: string;
  if (typeof input === 'string') {
    // A UTF-8 string is at least as many bytes as UTF-16 code units; count exactly only near the limit.
    if (input.length > maxBytes || (input.length * 3 > maxBytes && Buffer.byteLength(input) > maxBytes)) {
      refuse('oversize', `more than ${maxBytes} bytes`);
    }
    s = input;
  } else {
    if (input.length > maxBytes) refuse('oversize', `${input.length} bytes, more than ${maxBytes}`);
    try {
      s = decoder.decode(input);
    } catch {
      refuse('malformed', 'not UTF-8');
    }
  }
  let track: Track;
  try {
    track = parseDocument(s);
  } catch (e) {
    if (e instanceof XmlSyntaxError) refuse('malformed', `${e.message} at offset ${e.at}`);
    throw e;
  }
  checkTimes(track, options.now ?? Date.now(), options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS);
  return track;
}

/** A parse that returns the refusal as a value (for loops that log and go on). */
export function tryParseCot(
  input: string | Uint8Array,
  options?: ParseOptions,
): { ok: true; track: Track } | { ok: false; reason: CotRefusalReason; message: string } {
  try {
    return { ok: true, track: parseCot(input, options) };
  } catch (e) {
    const reason = cotRefusalReason(e);
    if (reason === undefined) throw e;
    return { ok: false, reason, message: (e as Error).message };
  }
}

function checkTimes(t: Track, now: number, maxFutureMs: number): void {
  const time = parseInstant(t.time);
  const start = parseInstant(t.start);
  const stale = parseInstant(t.stale);
  if (Number.isNaN(time))
    refuse('bad-time', `time ${JSON.stringify(t.time)} is not an instant`, '/event/@time');
  if (Number.isNaN(start))
    refuse('bad-time', `start ${JSON.stringify(t.start)} is not an instant`, '/event/@start');
  if (Number.isNaN(stale))
    refuse('bad-time', `stale ${JSON.stringify(t.stale)} is not an instant`, '/event/@stale');
  if (stale < start)
    refuse('stale-before-start', `stale ${t.stale} is before start ${t.start}`, '/event/@stale');
  const limit = now + maxFutureMs;
  if (time > limit) refuse('far-future', `time ${t.time} is in the future`, '/event/@time');
  if (start > limit) refuse('far-future', `start ${t.start} is in the future`, '/event/@start');
  for (const [what, p] of [
    ['launch', t.launch],
    ['impact', t.impact],
  ] as const) {
    if (p?.time !== undefined && Number.isNaN(parseInstant(p.time))) {
      refuse(
        'bad-time',
        `${what} time ${JSON.stringify(p.time)} is not an instant`,
        `/event/detail/__${what}/@time`,
      );
    }
  }
}

function parseDocument(s: string): Track {
  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0;
  // Prolog: declaration, comments, whitespace.
  for (;;) {
    i = skipSpace(s, i);
    if (s.charCodeAt(i) !== 60) refuse('not-event', 'no <event> element');
    const m = skipMarkup(s, i);
    if (m < 0) break;
    i = m;
  }
  const ev = readTag(s, i);
  if (ev.name !== 'event') refuse('not-event', `the root is <${ev.name}>, not <event>`);
  if (ev.selfClosing) refuse('no-point', 'the event has no <point>', '/event/point');
  const t = eventAttributes(ev);
  let point: CotPoint | undefined;
  i = ev.end;
  for (;;) {
    const j = nextTag(s, i);
    if (j < 0) throw new XmlSyntaxError('unterminated <event>', i);
    if (s.charCodeAt(j + 1) === 47) {
      const end = readEndTag(s, j);
      if (end.name !== 'event') throw new XmlSyntaxError(`</${end.name}> closes <event>`, j);
      i = end.end;
      break;
    }
    const m = skipMarkup(s, j);
    if (m >= 0) {
      i = m;
      continue;
    }
    const tag = readTag(s, j);
    if (tag.name === 'detail') {
      // The detail is read once: its children parsed as they are scanned.
      i = tag.selfClosing ? tag.end : detailOf(s, tag.end, t);
      continue;
    }
    const after = tag.selfClosing ? tag.end : skipContent(s, tag.end, tag.name);
    if (tag.name === 'point') {
      if (point) refuse('bad-point', 'two <point> elements', '/event/point');
      point = pointOf(tag);
    } else {
      if (t.extra) t.extra.push(s.slice(j, after));
      else t.extra = [s.slice(j, after)];
    }
    i = after;
  }
  // Only whitespace, comments and processing instructions may follow the event.
  for (;;) {
    i = skipSpace(s, i);
    if (i >= s.length) break;
    const m = s.charCodeAt(i) === 60 ? skipMarkup(s, i) : -1;
    if (m < 0) throw new XmlSyntaxError('content after </event>', i);
    i = m;
  }
  if (!point) refuse('no-point', 'the event has no <point>', '/event/point');
  t.point = point;
  return t;
}

const EVENT_REQUIRED = ['uid', 'type', 'time', 'start', 'stale'] as const;

function eventAttributes(tag: Tag): Track {
  const t = { version: '2.0' } as Track;
  const a = tag.attrs;
  for (let k = 0; k < a.length; k += 2) {
    const name = a[k];
    const v = a[k + 1];
    switch (name) {
      case 'version':
      case 'uid':
      case 'type':
      case 'how':
      case 'time':
      case 'start':
      case 'stale':
      case 'access':
        t[name] = v;
        break;
      case 'releasableTo':
        t.releasableTo = words(v);
        break;
      case 'caveat':
        t.caveats = words(v);
        break;
      default:
        if (t.attributes) t.attributes.push([name, v]);
        else t.attributes = [[name, v]];
    }
  }
  for (const name of EVENT_REQUIRED) {
    if (t[name] === undefined || t[name] === '') {
      refuse('missing-attribute', `the event has no ${name}`, `/event/@${name}`);
    }
  }
  return t;
}

function words(v: string): string[] {
  const out: string[] = [];
  for (const w of v.split(' ')) if (w !== '') out.push(w);
  return out;
}

function num(v: string | undefined, path: string, reason: CotRefusalReason): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  // Number('') is 0 and Number(' 1') is 1: CoT numbers are plain decimals.
  if (v === '' || v.trim() !== v || !Number.isFinite(n)) refuse(reason, `${path} is not a number`, path);
  return n;
}

function attr(tag: Tag, name: string): string | undefined {
  const a = tag.attrs;
  for (let k = 0; k < a.length; k += 2) if (a[k] === name) return a[k + 1];
  return undefined;
}

/** CoT's value for an unknown error or height. */
export const UNKNOWN_ERROR = 9_999_999;

function pointOf(tag: Tag): CotPoint {
  const lat = num(attr(tag, 'lat'), '/event/point/@lat', 'bad-point');
  const lon = num(attr(tag, 'lon'), '/event/point/@lon', 'bad-point');
  if (lat === undefined || lon === undefined)
    refuse('bad-point', 'the point has no lat or lon', '/event/point');
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
    refuse('bad-point', `lat ${lat} lon ${lon} is not on the globe`, '/event/point');
  }
  return {
    lat,
    lon,
    hae: num(attr(tag, 'hae'), '/event/point/@hae', 'bad-point') ?? UNKNOWN_ERROR,
    ce: num(attr(tag, 'ce'), '/event/point/@ce', 'bad-point') ?? UNKNOWN_ERROR,
    le: num(attr(tag, 'le'), '/event/point/@le', 'bad-point') ?? UNKNOWN_ERROR,
  };
}

/**
 * Reads `<detail>`'s children into `t` in one pass and returns the index after `</detail>`. A syntax error
 * anywhere in the detail is still what refuses the event when its content is refused too (malformed
 * before bad-detail), as when the whole detail was scanned before its children were read.
 */
function detailOf(s: string, i: number, t: Track): number {
  try {
    return parseDetail(s, i, t);
  } catch (e) {
    if (!(e instanceof XmlSyntaxError)) skipContent(s, i, 'detail');
    throw e;
  }
}

function parseDetail(s: string, i: number, t: Track): number {
  for (;;) {
    const j = nextTag(s, i);
    if (j < 0) throw new XmlSyntaxError('unterminated <detail>', i);
    if (s.charCodeAt(j + 1) === 47) {
      const end = readEndTag(s, j);
      if (end.name !== 'detail') throw new XmlSyntaxError(`</${end.name}> closes <detail>`, j);
      return end.end;
    }
    const m = skipMarkup(s, j);
    if (m >= 0) {
      i = m;
      continue;
    }
    const tag = readTag(s, j);
    const after = tag.selfClosing ? tag.end : skipContent(s, tag.end, tag.name);
    switch (tag.name) {
      case 'track':
        if (t.motion) refuse('bad-detail', 'two <track> elements', '/event/detail/track');
        t.motion = motionOf(tag);
        break;
      case '__launch':
        if (t.launch) refuse('bad-detail', 'two <__launch> elements', '/event/detail/__launch');
        t.launch = launchOf(tag);
        break;
      case '__impact':
        if (t.impact) refuse('bad-detail', 'two <__impact> elements', '/event/detail/__impact');
        t.impact = impactOf(tag);
        break;
      case '__relto':
        if (t.relto) refuse('bad-detail', 'two <__relto> elements', '/event/detail/__relto');
        t.relto = reltoOf(tag);
        break;
      default: {
        const raw: RawDetail = { name: tag.name, xml: s.slice(j, after) };
        if (t.details) t.details.push(raw);
        else t.details = [raw];
      }
    }
    i = after;
  }
}

function motionOf(tag: Tag): Motion {
  const m: Motion = {};
  const course = num(attr(tag, 'course'), '/event/detail/track/@course', 'bad-detail');
  const speed = num(attr(tag, 'speed'), '/event/detail/track/@speed', 'bad-detail');
  const slope = num(attr(tag, 'slope'), '/event/detail/track/@slope', 'bad-detail');
  if (course !== undefined) m.course = course;
  if (speed !== undefined) m.speed = speed;
  if (slope !== undefined) m.slope = slope;
  return m;
}

function geo(tag: Tag, path: string): { lat: number; lon: number; hae?: number } {
  const lat = num(attr(tag, 'lat'), `${path}/@lat`, 'bad-detail');
  const lon = num(attr(tag, 'lon'), `${path}/@lon`, 'bad-detail');
  if (lat === undefined || lon === undefined || lat < -90 || lat > 90 || lon < -180 || lon > 180) {
    refuse('bad-detail', `${path} needs lat and lon on the globe`, path);
  }
  const p: { lat: number; lon: number; hae?: number } = { lat, lon };
  const hae = num(attr(tag, 'hae'), `${path}/@hae`, 'bad-detail');
  if (hae !== undefined) p.hae = hae;
  return p;
}

function launchOf(tag: Tag): LaunchPoint {
  const p: LaunchPoint = geo(tag, '/event/detail/__launch');
  const time = attr(tag, 'time');
  if (time !== undefined) p.time = time;
  return p;
}

function impactOf(tag: Tag): ImpactPoint {
  const p: ImpactPoint = geo(tag, '/event/detail/__impact');
  const ce = num(attr(tag, 'ce'), '/event/detail/__impact/@ce', 'bad-detail');
  if (ce !== undefined) p.ce = ce;
  const time = attr(tag, 'time');
  if (time !== undefined) p.time = time;
  return p;
}

function categories(v: string, path: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const token of words(v)) {
    const colon = token.indexOf(':');
    if (colon <= 0 || colon === token.length - 1)
      refuse('bad-detail', `${path}: ${token} is not Category:value`, path);
    let category: string;
    let value: string;
    try {
      category = decodeURIComponent(token.slice(0, colon));
      value = decodeURIComponent(token.slice(colon + 1));
    } catch {
      refuse('bad-detail', `${path}: ${token} is not percent-encoded`, path);
    }
    const list = out[category];
    if (list) list.push(value);
    else out[category] = [value];
  }
  return out;
}

function reltoOf(tag: Tag): ReltoDetail {
  const r: ReltoDetail = {};
  const a = tag.attrs;
  for (let k = 0; k < a.length; k += 2) {
    const v = a[k + 1];
    switch (a[k]) {
      case 'feed':
        r.feed = v;
        break;
      case 'topics':
        r.topics = words(v);
        break;
      case 'compartments':
        r.compartments = words(v);
        break;
      case 'designations':
        r.designations = words(v);
        break;
      case 'restrictive':
        r.restrictive = categories(v, '/event/detail/__relto/@restrictive');
        break;
      case 'informative':
        r.informative = categories(v, '/event/detail/__relto/@informative');
        break;
      case 'purpose':
        r.purpose = v;
        break;
      case 'flow':
        r.flow = words(v);
        break;
      // Attributes of a later version are not understood, so not kept: the label must mean what it says.
    }
  }
  return r;
}

// ---------------------------------------------------------------------------------------------------
// Writing

function n(v: number): string {
  // Shortest round-trip form; -0 would print as "0" anyway.
  return String(v);
}

function categoriesAttr(c: Record<string, string[]>): string {
  const out: string[] = [];
  for (const key of Object.keys(c)) {
    for (const v of c[key]) out.push(`${encodeURIComponent(key)}:${encodeURIComponent(v)}`);
  }
  return out.join(' ');
}

function reltoXml(r: ReltoDetail): string {
  let x = '<__relto';
  if (r.feed !== undefined) x += ` feed="${escapeAttr(r.feed)}"`;
  if (r.topics?.length) x += ` topics="${escapeAttr(r.topics.join(' '))}"`;
  if (r.compartments?.length) x += ` compartments="${escapeAttr(r.compartments.join(' '))}"`;
  if (r.designations?.length) x += ` designations="${escapeAttr(r.designations.join(' '))}"`;
  if (r.restrictive && Object.keys(r.restrictive).length > 0) {
    x += ` restrictive="${escapeAttr(categoriesAttr(r.restrictive))}"`;
  }
  if (r.informative && Object.keys(r.informative).length > 0) {
    x += ` informative="${escapeAttr(categoriesAttr(r.informative))}"`;
  }
  if (r.purpose !== undefined) x += ` purpose="${escapeAttr(r.purpose)}"`;
  if (r.flow?.length) x += ` flow="${escapeAttr(r.flow.join(' '))}"`;
  return `${x}/>`;
}

/**
 * Writes a Track as one XML CoT event, in relto's canonical form: no XML declaration, attributes and
 * detail children in a fixed order (track, __launch, __impact, __relto, then the raw children as
 * received), numbers in their shortest round-trip form. serialiseCot(parseCot(x)) is a fixed point.
 */
export function serialiseCot(t: Track): string {
  let x = `<event version="${escapeAttr(t.version)}" uid="${escapeAttr(t.uid)}" type="${escapeAttr(t.type)}"`;
  if (t.how !== undefined) x += ` how="${escapeAttr(t.how)}"`;
  x += ` time="${escapeAttr(t.time)}" start="${escapeAttr(t.start)}" stale="${escapeAttr(t.stale)}"`;
  if (t.access !== undefined) x += ` access="${escapeAttr(t.access)}"`;
  if (t.releasableTo?.length) x += ` releasableTo="${escapeAttr(t.releasableTo.join(' '))}"`;
  if (t.caveats?.length) x += ` caveat="${escapeAttr(t.caveats.join(' '))}"`;
  if (t.attributes) for (const [k, v] of t.attributes) x += ` ${k}="${escapeAttr(v)}"`;
  const p = t.point;
  x += `><point lat="${n(p.lat)}" lon="${n(p.lon)}" hae="${n(p.hae)}" ce="${n(p.ce)}" le="${n(p.le)}"/>`;
  let d = '';
  const m = t.motion;
  if (m) {
    d += '<track';
    if (m.course !== undefined) d += ` course="${n(m.course)}"`;
    if (m.speed !== undefined) d += ` speed="${n(m.speed)}"`;
    if (m.slope !== undefined) d += ` slope="${n(m.slope)}"`;
    d += '/>';
  }
  const l = t.launch;
  if (l) {
    d += `<__launch lat="${n(l.lat)}" lon="${n(l.lon)}"`;
    if (l.hae !== undefined) d += ` hae="${n(l.hae)}"`;
    if (l.time !== undefined) d += ` time="${escapeAttr(l.time)}"`;
    d += '/>';
  }
  const im = t.impact;
  if (im) {
    d += `<__impact lat="${n(im.lat)}" lon="${n(im.lon)}"`;
    if (im.hae !== undefined) d += ` hae="${n(im.hae)}"`;
    if (im.ce !== undefined) d += ` ce="${n(im.ce)}"`;
    if (im.time !== undefined) d += ` time="${escapeAttr(im.time)}"`;
    d += '/>';
  }
  if (t.relto) d += reltoXml(t.relto);
  if (t.details) for (const r of t.details) d += r.xml;
  x += d === '' ? '<detail/>' : `<detail>${d}</detail>`;
  if (t.extra) for (const e of t.extra) x += e;
  return `${x}</event>`;
}

/** True for TAK's ping (`t-x-c-t`), which the node answers to the sender only. */
export function isPing(t: Track): boolean {
  return t.type === PING_TYPE;
}

/** The pong (`t-x-c-t-r`) TAK Server sends back for a ping, stamped at `now` (ms). */
export function pongFor(now: number): Track {
  const time = formatInstant(now);
  return {
    version: '2.0',
    uid: 'takPong',
    type: PONG_TYPE,
    how: 'h-g-i-g-o',
    time,
    start: time,
    stale: formatInstant(now + 20_000),
    point: { lat: 0, lon: 0, hae: 0, ce: UNKNOWN_ERROR, le: UNKNOWN_ERROR },
  };
}
