import type { Label } from '../label/index.js';
import { type PreparedLabel, prepareLabel } from '../policy/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import {
  type AlternativeLabel,
  alternativeMarking,
  labelToMarking,
  markingToAlternative,
  markingToLabel,
} from '../stix/index.js';
import type { StixObject, Store } from '../store/index.js';

/** What the node knows about one marking-definition id. */
export interface KnownMarking {
  id: string;
  kind: string;
  definition: StixObject;
  /** Set for relto labels (the only markings used for access). */
  label?: Label;
  /** Set for receiver-equivalent labels (R6). */
  alternative?: AlternativeLabel;
}

/** The four TLP 1.0 marking-definitions of STIX 2.1 §7.2.1.4: objects may name them without carrying them. */
export const TLP_MARKINGS: StixObject[] = [
  ['613f2e26-407d-48c7-9eca-b8e91df99dc9', 'white'],
  ['34098fce-860f-48ae-8e50-ebd3cc5e41da', 'green'],
  ['f88d31f6-486f-44da-b317-01333bde0b82', 'amber'],
  ['5e57c739-391a-4eb3-b6be-7d15ca92d5ed', 'red'],
].map(([uuid, colour]) => ({
  type: 'marking-definition',
  spec_version: '2.1',
  id: `marking-definition--${uuid}`,
  created: '2017-01-20T00:00:00.000Z',
  definition_type: 'tlp',
  name: `TLP:${colour!.toUpperCase()}`,
  definition: { tlp: colour },
}));

/** Turns a stored marking-definition into what the node knows of it (relto labels parsed once). */
export function knownMarking(definition: StixObject, kind: string): KnownMarking {
  // A label as another tool wrote it (a name, a description) is kept in relto's normal form: the same id,
  // the label alone, so every node holds and serves one object for one label.
  if (kind === 'relto-label') {
    const label = markingToLabel(definition);
    return { id: definition.id, kind, definition: labelToMarking(label) as unknown as StixObject, label };
  }
  if (kind === 'alternative') {
    const alternative = markingToAlternative(definition);
    return {
      id: definition.id,
      kind,
      definition: alternativeMarking(alternative) as unknown as StixObject,
      alternative,
    };
  }
  return { id: definition.id, kind, definition };
}

/**
 * Every marking-definition the node holds, cached by id (a label's id is the hash of its content, so an id
 * never changes meaning) and loaded from the store on first use.
 */
export class LabelBook {
  private readonly known = new Map<string, KnownMarking>();
  /** Ids looked up and not held: refused at ingest, never readable. */
  private readonly missing = new Set<string>();
  /** Originator label id → this node's alternative labels for it (R6). */
  private readonly alternatives = new Map<string, KnownMarking[]>();
  private alternativesLoaded = false;
  /** Label object → its marking id, so redact()'s label callbacks reach the id-keyed decision cache. */
  private readonly ids = new WeakMap<Label, string>();
  /** Labels prepared for decisions, by marking id (an id never changes meaning, so neither does this). */
  private readonly prepared = new Map<string, PreparedLabel>();
  private preparedUnder: CompiledRegistry | undefined;

  constructor(
    private readonly store: Store,
    private readonly party: string,
  ) {
    for (const d of TLP_MARKINGS) this.known.set(d.id, { id: d.id, kind: 'tlp', definition: d });
  }

  /** Makes sure every id is cached (one store query for the unknown ones). */
  async load(ids: Iterable<string>): Promise<void> {
    const unknown = [...new Set(ids)].filter((id) => !this.known.has(id) && !this.missing.has(id));
    if (!this.alternativesLoaded) {
      for (const d of await this.store.listMarkingDefinitions({ kind: 'alternative' })) {
        this.add(knownMarking(d.definition, d.kind));
      }
      this.alternativesLoaded = true;
    }
    if (unknown.length === 0) return;
    const found = await this.store.getMarkingDefinitions(unknown);
    for (const d of found) this.add(knownMarking(d.definition, d.kind));
    for (const id of unknown) if (!this.known.has(id)) this.missing.add(id);
  }

  /** Adds definitions just stored (after their transaction committed). */
  add(k: KnownMarking): void {
    this.known.set(k.id, k);
    if (k.label) this.ids.set(k.label, k.id);
    this.missing.delete(k.id);
    if (k.alternative) {
      const list = this.alternatives.get(k.alternative.alternativeOf) ?? [];
      if (!list.some((a) => a.id === k.id)) list.push(k);
      this.alternatives.set(k.alternative.alternativeOf, list);
    }
  }

  get(id: string): KnownMarking | undefined {
    return this.known.get(id);
  }

  /**
   * The relto label of a marking id prepared for decisions under `registry` (prepared once per id: a
   * node decides on the same marking-definitions all day), or undefined as for label().
   */
  preparedLabel(id: string, registry: CompiledRegistry): PreparedLabel | undefined {
    if (this.preparedUnder !== registry) {
      this.prepared.clear();
      this.preparedUnder = registry;
    }
    let p = this.prepared.get(id);
    if (p === undefined) {
      const label = this.known.get(id)?.label;
      if (label === undefined) return undefined;
      p = prepareLabel(registry, label);
      this.prepared.set(id, p);
    }
    return p;
  }

  /** The relto label of a marking id, or undefined (TLP, statements, alternatives, unknown ids). */
  readonly label = (id: string): Label | undefined => this.known.get(id)?.label;

  readonly isReltoLabel = (id: string): boolean => this.known.get(id)?.label !== undefined;

  /** The marking id of a label this book handed out. */
  idOf(label: Label): string | undefined {
    return this.ids.get(label);
  }

  /** The alternative labels held for an originator's label (served beside the objects, §6). */
  alternativesOf(labelId: string): KnownMarking[] {
    return this.alternatives.get(labelId) ?? [];
  }

  /** The agreement this node received a foreign label's items under (from its own alternative label, R6). */
  receivedUnder(labelId: string): string | undefined {
    return this.alternativesOf(labelId).find((a) => a.alternative?.party === this.party)?.alternative
      ?.agreement;
  }
}
