import { randomUUID } from 'node:crypto';
import { ReltoClient } from '../client/index.js';
import { ReltoError } from '../errors/index.js';
import { type Label, renderLabel } from '../label/index.js';
import { compileRegistry, loadBuiltinRegistry } from '../registry/index.js';
import {
  isAlternativeMarking,
  isReltoMarking,
  labelToMarking,
  markingToLabel,
  partyIdentityId,
} from '../stix/index.js';
import type { StixObject } from '../store/index.js';
import type { Party } from './layout.js';
import type { Running } from './nodes.js';

/*
 * The scenario of contracts §8, played once through the nodes' own APIs as their people, and described at
 * every start as it stands then (asked of the nodes, not remembered).
 */

export interface DemoPerson {
  name: string;
  password: string;
  roles: string[];
  clearance: string;
}

/** What the first start played: the ids a person can look up. */
export interface Scenario {
  /** A Korean report released to Japan, then forwarded by Japan to the US with Korea's consent. */
  koreanReport: string;
  /** Japan's request for Korea's consent to forward it to the US. */
  consentRequest: string;
  /** Japan's release of it to the US, refused before the consent and approved after (absent: not played). */
  forward?: { refused: string; approved: string };
  /** A 2015 report relayed Korea → US → Japan under TISA. */
  relayed: string;
  playedAt: string;
}

/** The agreement Japan forwards the Korean report to the US under. */
const FORWARD_UNDER = 'USA-JPN-GSOMIA';

/** Signed-in API clients of the demo people, one per node and person (one password check each). */
export class People {
  private readonly clients = new Map<string, Promise<ReltoClient>>();

  constructor(
    private readonly nodes: Record<Party, Running>,
    private readonly people: Record<string, DemoPerson[]>,
  ) {}

  as(party: Party, name: string): Promise<ReltoClient> {
    const key = `${party}/${name}`;
    let c = this.clients.get(key);
    if (!c) {
      const person = this.people[party]!.find((p) => p.name === name)!;
      const client = new ReltoClient({ node: this.nodes[party].http, user: name, password: person.password });
      c = client.signIn().then(() => client);
      c.catch(() => this.clients.delete(key));
      this.clients.set(key, c);
    }
    return c;
  }

  async signOut(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.map(async (c) => (await c.catch(() => null))?.signOut()));
  }
}

async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch {
      // not yet
    }
    if (Date.now() > end)
      throw new ReltoError('INTERNAL', `demo scenario: ${what} did not happen in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function report(
  label: Label,
  name: string,
  description: string,
  at: string,
): { report: StixObject; bundle: object } {
  const marking = labelToMarking(label) as unknown as StixObject;
  const identity = partyIdentityId(label.originator);
  const r: StixObject = {
    type: 'report',
    spec_version: '2.1',
    id: `report--${randomUUID()}`,
    created: at,
    modified: at,
    created_by_ref: identity,
    name,
    description,
    published: at,
    object_refs: [identity],
    object_marking_refs: [marking.id],
  };
  return { report: r, bundle: { type: 'bundle', id: `bundle--${randomUUID()}`, objects: [marking, r] } };
}

/** A release filed by `analyst` and answered by `officer` (R34: two people): the request id and its status. */
async function release(
  people: People,
  party: Party,
  item: string,
  to: string,
  under?: string,
): Promise<{ id: string; status: string; reasons: string[] }> {
  const request = (await (await people.as(party, 'analyst')).release(item, to, under)) as { id: string };
  const answer = (await (await people.as(party, 'officer')).approve(request.id)) as {
    status: string;
    decision?: { reasons?: { code: string }[] };
  };
  return {
    id: request.id,
    status: answer.status,
    reasons: (answer.decision?.reasons ?? []).map((r) => r.code),
  };
}

/** A release approved and on its way (pending until the partner's receipt, then delivered). */
async function approved(people: People, party: Party, item: string, to: string, under?: string) {
  const r = await release(people, party, item, to, under);
  if (r.status !== 'pending' && r.status !== 'delivered') {
    throw new ReltoError('INTERNAL', `demo scenario: the release of ${item} to ${to} was ${r.status}`, '', r);
  }
  return r.id;
}

/** Has `party`'s releasing officer granted (or refused) consent request `id`? Answers it once it has arrived. */
async function consentGranted(people: People, originator: Party, id: string): Promise<void> {
  const officer = await people.as(originator, 'officer');
  await until(`${originator} answering consent request ${id}`, async () => {
    const a = (await officer.consent(id, false)) as { status: string };
    return a.status === 'granted';
  });
}

async function consentStatus(people: People, party: Party, id: string): Promise<string | undefined> {
  const list = (await (await people.as(party, 'analyst')).consentRequests()) as {
    outgoing: { status: string; request: { id: string } }[];
  };
  return list.outgoing.find((r) => r.request.id === id)?.status;
}

/**
 * 1. A Korean report released to Japan; 2. Japan forwards it to the US: refused until Korea consents naming
 * the US (R15), then approved, and the US analyst reads it through that consent (R11).
 */
async function forwardFlow(
  people: People,
): Promise<Pick<Scenario, 'koreanReport' | 'consentRequest' | 'forward'>> {
  const first = report(
    { originator: 'KOR', classification: 'II', releasableTo: ['JPN', 'KOR'], topics: ['DPRK-MISSILE'] },
    'DPRK SRBM launch from Sunan: trajectory assessment',
    'Two short-range ballistic missiles launched eastward; apogee about 50 km, range about 400 km.',
    new Date().toISOString(),
  );
  const item = first.report.id;
  await (await people.as('KOR', 'analyst')).post(first.bundle);
  await approved(people, 'KOR', item, 'JPN');
  const jpnAnalyst = await people.as('JPN', 'analyst');
  await until('the release to JPN', () => jpnAnalyst.get(item));
  // Japan may not pass Korea's report to a third party without Korea's consent naming it.
  const refused = await release(people, 'JPN', item, 'USA', FORWARD_UNDER);
  if (refused.status !== 'denied') {
    throw new ReltoError(
      'INTERNAL',
      `demo scenario: JPN's release of a KOR report to the US without consent was ${refused.status}`,
    );
  }
  const asked = (await jpnAnalyst.requestConsent({ item, to: 'USA' })) as { id: string };
  await consentGranted(people, 'KOR', asked.id);
  await until('the consent at JPN', async () => (await consentStatus(people, 'JPN', asked.id)) === 'granted');
  const forwarded = await approved(people, 'JPN', item, 'USA', FORWARD_UNDER);
  const usaAnalyst = await people.as('USA', 'analyst');
  await until('the US analyst reading the forwarded report', () => usaAnalyst.get(item));
  return {
    koreanReport: item,
    consentRequest: asked.id,
    forward: { refused: refused.id, approved: forwarded },
  };
}

/** 3. A 2015 report relayed Korea → US → Japan under TISA, with Korea's consent naming Japan (R24, R25). */
async function relayFlow(people: People): Promise<string> {
  const second = report(
    {
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['JPN', 'KOR', 'USA'],
      topics: ['DPRK-NUCLEAR'],
    },
    'DPRK fourth nuclear test preparations at Punggye-ri (2015)',
    'Tunnel activity and vehicle movements consistent with test preparations.',
    '2015-12-28T09:00:00.000Z',
  );
  const item = second.report.id;
  await (await people.as('KOR', 'analyst')).post(second.bundle);
  await approved(people, 'KOR', item, 'USA');
  const usaAnalyst = await people.as('USA', 'analyst');
  await until('the release to USA', () => usaAnalyst.get(item));
  const ask = (await usaAnalyst.requestConsent({ item, to: 'JPN' })) as { id: string };
  await consentGranted(people, 'KOR', ask.id);
  await until('the consent at USA', async () => (await consentStatus(people, 'USA', ask.id)) === 'granted');
  await approved(people, 'USA', item, 'JPN', 'TISA');
  const jpnAnalyst = await people.as('JPN', 'analyst');
  await until('the relay to JPN', () => jpnAnalyst.get(item));
  return item;
}

/** Plays the scenario (the forward and the relay side by side: they share no step). */
export async function playScenario(people: People): Promise<Scenario> {
  const [forward, relayed] = await Promise.all([forwardFlow(people), relayFlow(people)]);
  return { ...forward, relayed, playedAt: new Date().toISOString() };
}

/** The label line a JPN analyst sees for an item, from what the JPN node serves (renderLabel, R6). */
async function japaneseLine(people: People, id: string): Promise<string> {
  const reg = compileRegistry(loadBuiltinRegistry());
  const page = (await (await people.as('JPN', 'analyst')).get(id)) as {
    objects?: StixObject[];
    markings?: StixObject[];
  };
  const all = [...(page.markings ?? []), ...(page.objects ?? [])];
  const md = all.find(
    (o) => o.type === 'marking-definition' && isReltoMarking(o) && !isAlternativeMarking(o),
  );
  if (!md) return '(no label served)';
  const alt = all.find((o) => o.type === 'marking-definition' && isAlternativeMarking(o));
  const agreement = alt ? String((JSON.stringify(alt).match(/"agreement":"([^"]+)"/) ?? [])[1] ?? '') : '';
  return renderLabel(reg, markingToLabel(md), {
    reader: 'JPN',
    lang: 'ja',
    ...(agreement ? { agreement } : {}),
  }).banner;
}

async function reads(people: People, party: Party, id: string): Promise<boolean> {
  try {
    return JSON.stringify(await (await people.as(party, 'analyst')).get(id)).includes(id);
  } catch {
    return false;
  }
}

/** The scenario as it stands now, asked of the nodes as their people: the lines the demo prints. */
export async function describeScenario(people: People, s: Scenario): Promise<string[]> {
  const [banner, consent, usaReads, jpnReadsRelay] = await Promise.all([
    japaneseLine(people, s.koreanReport).catch((e: Error) => `(${e.message})`),
    consentStatus(people, 'JPN', s.consentRequest).catch(() => undefined),
    reads(people, 'USA', s.koreanReport),
    reads(people, 'JPN', s.relayed),
  ]);
  const consentLine =
    consent === 'granted'
      ? "Korea's releasing officer consented"
      : consent === 'refused'
        ? "Korea's releasing officer refused"
        : "waiting for Korea's consent (Korea's releasing officer answers it)";
  const usaLine = usaReads
    ? "the US analyst reads it through Korea's consent"
    : s.forward
      ? 'the US analyst cannot read it now'
      : `not forwarded yet: npx relto client release ${s.koreanReport} --to USA --under ${FORWARD_UNDER} (then a JPN officer approves)`;
  return [
    `    - a Korean report released to Japan: ${s.koreanReport}`,
    `      Japan's analyst sees: ${banner}`,
    `    - Japan forwards it to the US under ${FORWARD_UNDER}, which needs Korea's consent naming the US:`,
    ...(s.forward
      ? [`      refused before consent (${s.forward.refused}), approved after (${s.forward.approved});`]
      : []),
    `      consent ${s.consentRequest}: ${consentLine}; ${usaLine}`,
    `    - a 2015 report relayed Korea → US → Japan under TISA: ${s.relayed}${jpnReadsRelay ? " (Japan's analyst reads it)" : ''}`,
  ];
}
