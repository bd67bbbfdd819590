import type { ObjectInput, StixObject, Store, StoredObject } from '../store.js';

/** One fresh database; `open` may be called again on the same database (reopen, other key, other clock). */
export interface StoreHarness {
  open(options?: { nodeKey?: Uint8Array; now?: () => number }): Promise<Store>;
  cleanup(): Promise<void>;
}

/** Runs `fn` against a store on a fresh database, then closes and removes it. */
export type WithStore = (
  fn: (store: Store, harness: StoreHarness) => Promise<void>,
  options?: { now?: () => number; nodeKey?: Uint8Array },
) => Promise<void>;

export const LOW = 'marking-definition--00000000-0000-4000-8000-000000000001';
export const HIGH = 'marking-definition--00000000-0000-4000-8000-000000000002';
export const HIGHER = 'marking-definition--00000000-0000-4000-8000-000000000003';
export const PORTIONS = 'extension-definition--77c0c165-ae5e-43b0-bd00-8b388eb8090b';

let counter = 0;
export function uuid(): string {
  counter++;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

export function stamp(day: number): string {
  return new Date(Date.UTC(2025, 0, 1) + day * 86_400_000).toISOString();
}

/** A labelled report: floor LOW, with an optional portion raised to HIGH (contracts §6). */
export function report(opts: {
  id?: string;
  modified?: string;
  name?: string;
  portion?: string;
  floor?: string;
}): ObjectInput {
  const id = opts.id ?? `report--${uuid()}`;
  const floor = opts.floor ?? LOW;
  const modified = opts.modified ?? stamp(0);
  const object: StixObject = {
    type: 'report',
    spec_version: '2.1',
    id,
    created: stamp(0),
    modified,
    name: opts.name ?? 'launch report',
    published: stamp(0),
    object_refs: ['location--11111111-1111-4111-8111-111111111111'],
    object_marking_refs: [floor],
  };
  const index = [{ markingId: floor, text: object.name as string }];
  if (opts.portion) {
    object.extensions = {
      [PORTIONS]: { extension_type: 'property-extension', portions: [{ text: opts.portion }] },
    };
    object.granular_markings = [{ marking_ref: HIGH, selectors: [`extensions.${PORTIONS}.portions.[0]`] }];
    index.push({ markingId: HIGH, text: opts.portion });
  }
  return { object, floor, originator: 'KOR', levelRank: 1, tier: 'C', topics: ['DPRK-MISSILE'], index };
}

export function ids(rows: StoredObject[]): string[] {
  return rows.map((r) => r.id);
}
