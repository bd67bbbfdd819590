/**
 * The demo's parties and ports (contracts §8): HTTP (web, API, TAXII) B, CoT TLS B+1, CoT TCP B+2 per party,
 * KOR at B, JPN at B+10, USA at B+20; the exchange between nodes (mutual TLS) listens on B+5, which §8 leaves
 * free.
 */

export const PARTIES = ['KOR', 'JPN', 'USA'] as const;
export type Party = (typeof PARTIES)[number];

/**
 * Issue 5's live tracks: each node serves CoT on its §8 ports (`relto serve --cot-tls B+1 --cot-tcp B+2`,
 * startTrackServices) with the two other nodes as CoT partners. RELTO_DEMO_COT=0 starts the nodes without.
 */
export const DEMO_COT = process.env.RELTO_DEMO_COT !== '0';

export function ports(base: number, party: Party) {
  const b = base + PARTIES.indexOf(party) * 10;
  return { http: b, cotTls: b + 1, cotTcp: b + 2, exchange: b + 5 };
}

/** The demo's SMTP sink, where every node's mail goes (B+8, free in KOR's ten). */
export function mailSinkPort(base: number): number {
  return base + 8;
}

/** The CoT links of the demo: spokes to the US hub, the hub to both spokes. */
export function cotPartners(party: Party): Party[] {
  return party === 'USA' ? ['KOR', 'JPN'] : ['USA'];
}
