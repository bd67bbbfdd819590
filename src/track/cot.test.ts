import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import CoT from '@tak-ps/node-cot/dist/index.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cotRefusalReason, isPing, parseCot, pongFor, serialiseCot, tryParseCot } from './cot.js';
import type { Track } from './track.js';

const dir = new URL('./fixtures/', import.meta.url).pathname;
/** The fixtures' clock: after every fixture's time, so none is "far future". */
const NOW = Date.parse('2023-12-19T00:00:00Z');
const inputs = readdirSync(dir).filter((f) => f.endsWith('.xml') && !/\.(canonical|stripped)\.xml$/.test(f));

/** Golden files are written only when asked (UPDATE_GOLDEN=1), then reviewed and committed. */
function golden(name: string, actual: string): string {
  const path = `${dir}${name}`;
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  if (!existsSync(path))
    throw new Error(`missing golden file ${name} (UPDATE_GOLDEN=1 writes it for review)`);
  return readFileSync(path, 'utf8');
}

type Attrs = Record<string, string | number | boolean>;
interface XmlJsNode {
  _attributes?: Attrs;
  [child: string]: unknown;
}

/** node-cot's object tree of a detail child given as XML, read by node-cot itself. */
function nodeCotDetail(xml: string): Record<string, unknown> {
  const wrapped = `<event version="2.0" uid="x" type="a" time="2023-01-01T00:00:00Z" start="2023-01-01T00:00:00Z" stale="2023-01-01T00:00:01Z"><point lat="0" lon="0" hae="0" ce="0" le="0"/><detail>${xml}</detail></event>`;
  return withoutNodeCotStamp({ ...(new CoT(wrapped).raw.event.detail as Record<string, unknown>) });
}

/** node-cot stamps its own `_flow-tags_` entry on every event it reads; a sensor's own tags are kept. */
function withoutNodeCotStamp<T extends Record<string, unknown>>(detail: T): T {
  const tags = detail['_flow-tags_'] as Record<string, unknown> | undefined;
  if (tags) {
    const kept = Object.fromEntries(Object.entries(tags).filter(([k]) => !k.startsWith('NodeCoT-')));
    if (Object.keys(kept).length === 0) delete detail['_flow-tags_'];
    else (detail as Record<string, unknown>)['_flow-tags_'] = kept;
  }
  return detail;
}

const words = (v: string | number | boolean | undefined) =>
  v === undefined
    ? undefined
    : String(v)
        .split(' ')
        .filter((w) => w !== '');
const num = (v: string | number | boolean | undefined) => (v === undefined ? undefined : Number(v));

/** Asserts, field by field, that relto's fast parser read what node-cot reads from the same bytes. */
function expectAgreement(t: Track, xml: string): void {
  const raw = new CoT(xml).raw.event as unknown as {
    _attributes: Attrs;
    point: XmlJsNode;
    detail?: Record<string, XmlJsNode | XmlJsNode[] | string>;
  };
  const ev = raw._attributes;
  expect(t.version).toBe(ev.version);
  expect(t.uid).toBe(ev.uid);
  expect(t.type).toBe(ev.type);
  expect(t.how).toBe(ev.how);
  expect(t.time).toBe(ev.time);
  expect(t.start).toBe(ev.start);
  expect(t.stale).toBe(ev.stale);
  expect(t.access).toBe(ev.access);
  expect(t.releasableTo).toEqual(words(ev.releasableTo));
  expect(t.caveats).toEqual(words(ev.caveat));
  const known = new Set([
    'version',
    'uid',
    'type',
    'how',
    'time',
    'start',
    'stale',
    'access',
    'releasableTo',
    'caveat',
  ]);
  const others = Object.entries(ev).filter(([k]) => !known.has(k));
  expect(t.attributes ?? []).toEqual(others);

  const p = raw.point._attributes!;
  expect(t.point).toEqual({
    lat: num(p.lat),
    lon: num(p.lon),
    hae: num(p.hae),
    ce: num(p.ce),
    le: num(p.le),
  });

  const detail = withoutNodeCotStamp({ ...(raw.detail ?? {}) });
  delete detail._comment; // comments are not content

  const tr = detail.track as XmlJsNode | undefined;
  expect(t.motion !== undefined).toBe(tr !== undefined);
  if (tr) {
    const a = tr._attributes ?? {};
    const m: Record<string, number> = {};
    for (const k of ['course', 'speed', 'slope']) if (a[k] !== undefined) m[k] = Number(a[k]);
    expect(t.motion).toEqual(m);
  }
  const launch = (detail.__launch as XmlJsNode | undefined)?._attributes;
  expect(t.launch && { ...t.launch }).toEqual(
    launch && {
      lat: num(launch.lat),
      lon: num(launch.lon),
      ...(launch.hae !== undefined && { hae: num(launch.hae) }),
      ...(launch.time !== undefined && { time: launch.time }),
    },
  );
  const impact = (detail.__impact as XmlJsNode | undefined)?._attributes;
  expect(t.impact && { ...t.impact }).toEqual(
    impact && {
      lat: num(impact.lat),
      lon: num(impact.lon),
      ...(impact.hae !== undefined && { hae: num(impact.hae) }),
      ...(impact.ce !== undefined && { ce: num(impact.ce) }),
      ...(impact.time !== undefined && { time: impact.time }),
    },
  );
  const relto = (detail.__relto as XmlJsNode | undefined)?._attributes;
  if (relto) {
    expect(t.relto?.feed).toBe(relto.feed);
    expect(t.relto?.topics).toEqual(words(relto.topics));
    expect(t.relto?.compartments).toEqual(words(relto.compartments));
    expect(t.relto?.purpose).toBe(relto.purpose);
    expect(t.relto?.flow).toEqual(words(relto.flow));
  } else {
    expect(t.relto).toBeUndefined();
  }

  // Every other child: the same names, and each raw XML kept reads (by node-cot) as node-cot read it.
  for (const k of ['track', '__launch', '__impact', '__relto']) delete detail[k];
  const rawDetails = t.details ?? [];
  expect([...new Set(rawDetails.map((d) => d.name))].sort()).toEqual(Object.keys(detail).sort());
  for (const name of Object.keys(detail)) {
    const mine = rawDetails.filter((d) => d.name === name);
    const fromRaw = mine.map((d) => nodeCotDetail(d.xml)[name]);
    expect(fromRaw.length === 1 ? fromRaw[0] : fromRaw).toEqual(detail[name]);
  }
}

describe('CoT parsing agrees with @tak-ps/node-cot', () => {
  it.each(inputs)('reads %s field by field as node-cot does', (file) => {
    const xml = readFileSync(`${dir}${file}`, 'utf8');
    expectAgreement(parseCot(xml, { now: NOW }), xml);
  });

  it.each(inputs)('reads bytes and strings of %s alike', (file) => {
    const bytes = readFileSync(`${dir}${file}`);
    expect(parseCot(bytes, { now: NOW })).toEqual(parseCot(bytes.toString('utf8'), { now: NOW }));
  });

  it('agrees on generated tracks with awkward attribute values (property)', () => {
    const text = fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((s) => s.trim() === s && !/[\p{Cc}]/u.test(s));
    const xmlEscape = (s: string) =>
      s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    fc.assert(
      fc.property(
        text,
        text,
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: 0, max: 359.99, noNaN: true }),
        (uid, remark, lat, lon, course) => {
          const xml = `<event version="2.0" uid="${xmlEscape(uid)}" type="a-h-A-W-M-S-S" how="m-f" time="2023-12-18T23:00:00Z" start="2023-12-18T23:00:00Z" stale="2023-12-18T23:00:10Z"><point lat="${lat}" lon="${lon}" hae="1000" ce="10" le="10"/><detail><track course="${course}" speed="3000"/><remarks source="${xmlEscape(remark)}">${xmlEscape(remark)}</remarks></detail></event>`;
          expectAgreement(parseCot(xml, { now: NOW }), xml);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('CoT writing', () => {
  it.each(inputs)('writes %s as its golden canonical form, a fixed point of parse and write', (file) => {
    const t = parseCot(readFileSync(`${dir}${file}`), { now: NOW });
    const out = serialiseCot(t);
    const canonical = golden(file.replace(/\.xml$/, '.canonical.xml'), out);
    expect(out).toBe(canonical);
    const again = parseCot(canonical, { now: NOW });
    expect(again).toEqual(t);
    expect(serialiseCot(again)).toBe(canonical);
  });

  it.each(inputs)('writes %s so that node-cot reads the same event', (file) => {
    const canonical = serialiseCot(parseCot(readFileSync(`${dir}${file}`), { now: NOW }));
    expectAgreement(parseCot(canonical, { now: NOW }), canonical);
  });

  it('escapes what must be escaped in attributes and reads it back', () => {
    const t = parseCot(readFileSync(`${dir}kor-labelled-relay.xml`), { now: NOW });
    const odd = { ...t, uid: 'a&b<c>"d"\n\te', relto: { ...t.relto, purpose: 'x & "y"' } };
    const xml = serialiseCot(odd);
    expect(xml).toContain('uid="a&amp;b&lt;c&gt;&quot;d&quot;&#10;&#9;e"');
    expect(parseCot(xml, { now: NOW })).toEqual(odd);
    expect(new CoT(xml).raw.event._attributes.uid).toBe(odd.uid);
  });
});

describe('CoT refusals (logged, never forwarded)', () => {
  const base = readFileSync(`${dir}kor-labelled-relay.xml`, 'utf8');
  const cases: [string, string, string][] = [
    ['no point', base.replace(/<point[^>]*\/>/, ''), 'no-point'],
    [
      'an empty event',
      '<event version="2.0" uid="u" type="a" time="2023-12-18T23:30:02Z" start="2023-12-18T23:30:02Z" stale="2023-12-18T23:30:03Z"/>',
      'no-point',
    ],
    ['an unparseable time', base.replace('time="2023-12-18T23:30:02.000Z"', 'time="yesterday"'), 'bad-time'],
    [
      'a 30th of February',
      base.replace('start="2023-12-18T23:30:02.000Z"', 'start="2023-02-30T23:30:02Z"'),
      'bad-time',
    ],
    [
      'stale before start',
      base.replace('stale="2023-12-18T23:30:12.000Z"', 'stale="2023-12-18T23:29:00Z"'),
      'stale-before-start',
    ],
    [
      'a time far in the future',
      base.replace('time="2023-12-18T23:30:02.000Z"', 'time="2024-01-18T23:30:02Z"'),
      'far-future',
    ],
    ['a start far in the future', base.replaceAll('2023-12-18T23:30', '2023-12-19T23:30'), 'far-future'],
    ['a missing uid', base.replace(' uid="KOR-MW-1.2023-12-18.T001"', ''), 'missing-attribute'],
    ['a latitude off the globe', base.replace('lat="40.1"', 'lat="91"'), 'bad-point'],
    ['a non-numeric longitude', base.replace('lon="130.25"', 'lon="east"'), 'bad-point'],
    ['an empty hae', base.replace('hae="1250000"', 'hae=""'), 'bad-point'],
    ['a bad launch time', base.replace('time="2023-12-18T23:24:00Z"', 'time="soon"'), 'bad-time'],
    ['a bad course', base.replace('course="68.5"', 'course="NaN"'), 'bad-detail'],
    ['unbalanced tags', base.replace('</detail>', ''), 'malformed'],
    ['a DOCTYPE (entity expansion)', `<!DOCTYPE event [<!ENTITY x "y">]>${base}`, 'malformed'],
    ['an undefined entity', base.replace('KOR-MW-1.2023', 'KOR&x;'), 'malformed'],
    ['two events in one message', base + base, 'malformed'],
    ['another root element', '<message><event/></message>', 'not-event'],
    ['an empty message', '   ', 'not-event'],
  ];
  it.each(cases)('refuses %s', (_what, xml, reason) => {
    const r = tryParseCot(xml, { now: NOW });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.message).toContain(reason);
    }
  });

  it('refuses an event over the size limit (64 KiB by default, configurable) before parsing it', () => {
    const big = base.replace('</detail>', `<remarks>${'x'.repeat(70_000)}</remarks></detail>`);
    expect(tryParseCot(big, { now: NOW })).toMatchObject({ ok: false, reason: 'oversize' });
    expect(tryParseCot(Buffer.from(big), { now: NOW })).toMatchObject({ ok: false, reason: 'oversize' });
    expect(tryParseCot(big, { now: NOW, maxBytes: 128 * 1024 }).ok).toBe(true);
    expect(tryParseCot(base, { now: NOW, maxBytes: 200 })).toMatchObject({ ok: false, reason: 'oversize' });
  });

  it('counts bytes, not characters, against the limit', () => {
    const korean = base.replace('</detail>', `<remarks>${'탄'.repeat(1000)}</remarks></detail>`);
    const bytes = Buffer.byteLength(korean);
    expect(bytes).toBeGreaterThan(korean.length + 1000);
    expect(tryParseCot(korean, { now: NOW, maxBytes: bytes - 1 })).toMatchObject({ reason: 'oversize' });
    expect(tryParseCot(korean, { now: NOW, maxBytes: bytes }).ok).toBe(true);
  });

  it('throws ReltoError INVALID_COT with the reason in its details', () => {
    try {
      parseCot(base.replace(/<point[^>]*\/>/, ''), { now: NOW });
      expect.unreachable();
    } catch (e) {
      expect(cotRefusalReason(e)).toBe('no-point');
      expect((e as { code: string }).code).toBe('INVALID_COT');
    }
  });

  it('refuses bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from(base.slice(0, 40)),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(base.slice(40)),
    ]);
    expect(tryParseCot(bytes, { now: NOW })).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('TAK ping', () => {
  it('recognises an ATAK ping and answers with a t-x-c-t-r pong node-cot reads', () => {
    const ping = parseCot(readFileSync(`${dir}atak-ping.xml`), { now: NOW });
    expect(isPing(ping)).toBe(true);
    expect(isPing(parseCot(readFileSync(`${dir}atak-sa.xml`), { now: NOW }))).toBe(false);
    const pong = serialiseCot(pongFor(NOW));
    const read = new CoT(pong).raw.event._attributes;
    expect(read.type).toBe('t-x-c-t-r');
    expect(read.time).toBe('2023-12-19T00:00:00.000Z');
    expect(Date.parse(read.stale) - Date.parse(read.time)).toBe(20_000);
    expect(isPing(parseCot(pong, { now: NOW }))).toBe(false);
  });

  it('answers a ping node-cot builds', () => {
    const ping = CoT.ping();
    const t = parseCot(ping.to_xml());
    expect(isPing(t)).toBe(true);
  });
});
