import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Label } from '../../label/index.js';
import { labelMarkingId, labelToMarking, withPortions } from '../../stix/index.js';
import type { StixObject } from '../../store/index.js';
import { createNode, type OpenNodeOptions, openNode, type ReltoNode } from '../node-service.js';
import type { Person } from '../service.js';

export const PG_URL = process.env.RELTO_PG_URL;

/** The dialects the node tests run on: SQLite always, PostgreSQL when RELTO_PG_URL is set (CI sets it). */
export const DIALECTS: ('sqlite' | 'postgres')[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
if (!PG_URL) console.warn('RELTO_PG_URL not set: node tests on PostgreSQL skipped');

let n = 0;

export interface NodeHarness {
  dataDir: string;
  dialect: 'sqlite' | 'postgres';
  pgUrl?: string;
  open(options?: Partial<OpenNodeOptions>): Promise<ReltoNode>;
  cleanup(): Promise<void>;
}

/** A fresh node data folder (KOR by default); PostgreSQL nodes get their own schema, dropped afterwards. */
export async function makeNode(dialect: 'sqlite' | 'postgres', party = 'KOR'): Promise<NodeHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relto-node-'));
  const schema = `relto_node_${process.pid}_${Date.now()}_${n++}`;
  const pgUrl = dialect === 'postgres' ? PG_URL : undefined;
  await createNode({ dataDir, party, ...(pgUrl ? { pgUrl, pgSchema: schema } : {}) });
  return {
    dataDir,
    dialect,
    ...(pgUrl ? { pgUrl } : {}),
    open: (o = {}) => openNode({ dataDir, ...(pgUrl ? { pgUrl } : {}), ...o }),
    cleanup: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      if (pgUrl) {
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await client.end();
        }
      }
    },
  };
}

export const PASSWORD = 'correct horse battery';

/** The demo's people on a KOR node (contracts §8): analyst (SECRET tier), analyst-low (CONFIDENTIAL tier)… */
export async function addKorPeople(node: ReltoNode): Promise<Record<string, Person>> {
  const people = [
    { name: 'analyst', clearance: 'II', roles: ['analyst'] },
    { name: 'analyst-low', clearance: 'III', roles: ['analyst'] },
    { name: 'security', clearance: 'II', roles: ['security-officer'] },
    { name: 'admin', clearance: 'III', roles: ['admin'] },
  ];
  const out: Record<string, Person> = {};
  for (const p of people) {
    await node.admin.addUser({ ...p, password: PASSWORD });
    out[p.name] = (await node.authenticateBasic(p.name, PASSWORD))!;
  }
  return out;
}

export const CONFIDENTIAL: Label = { originator: 'KOR', classification: 'III', releasableTo: ['JPN', 'USA'] };
export const SECRET: Label = { originator: 'KOR', classification: 'II', releasableTo: ['JPN', 'USA'] };

export const LOW_ID = labelMarkingId(CONFIDENTIAL);
export const HIGH_ID = labelMarkingId(SECRET);

let counter = 0;
export function uuid(): string {
  counter++;
  return `6b3f5a1e-0000-4000-8000-${(Date.now() % 1e6).toString(16).padStart(6, '0')}${counter.toString(16).padStart(6, '0')}`;
}

/**
 * A report whose floor is CONFIDENTIAL, with one CONFIDENTIAL-tier portion and one SECRET portion, and a
 * SECRET-marked description (contracts §6 portions and granular markings).
 */
export function mixedReport(
  opts: { id?: string; modified?: string; lowText?: string; highText?: string } = {},
): StixObject {
  const base: StixObject = {
    type: 'report',
    spec_version: '2.1',
    id: opts.id ?? `report--${uuid()}`,
    created: '2026-02-01T00:00:00.000Z',
    modified: opts.modified ?? '2026-02-01T00:00:00.000Z',
    name: 'Launch observed near Sinpo',
    description: opts.highText ?? 'Telemetry intercept shows solid fuel stage separation',
    published: '2026-02-01T00:00:00.000Z',
    object_refs: [`location--${uuid()}`],
    object_marking_refs: [LOW_ID],
  };
  const withParts = withPortions(base, [
    { text: opts.lowText ?? 'A missile was launched at 06:12 local time.' },
    { text: opts.highText ?? 'Telemetry intercept shows solid fuel stage separation', marking: HIGH_ID },
  ]);
  const granular = (withParts.granular_markings as { selectors: string[]; marking_ref: string }[]) ?? [];
  withParts.granular_markings = [...granular, { marking_ref: HIGH_ID, selectors: ['description'] }];
  return withParts;
}

export function labelMarkings(): StixObject[] {
  return [labelToMarking(CONFIDENTIAL), labelToMarking(SECRET)] as unknown as StixObject[];
}
