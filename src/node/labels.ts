import type { AuditEntryInput } from '../audit/index.js';
import type { Label } from '../label/index.js';
import {
  type Action,
  type Answer,
  type DecisionRequest,
  decide,
  type PreparedLabel,
  type PreparedPrincipal,
  prepareLabel,
  preparePrincipal,
} from '../policy/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import { type AlternativeLabel, markingToAlternative, markingToLabel } from '../stix/index.js';
import type { StixObject, Store } from '../store/index.js';
import type { Person } from './service.js';

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
  const k: KnownMarking = { id: definition.id, kind, definition };
  if (kind === 'relto-label') k.label = markingToLabel(definition);
  else if (kind === 'alternative') k.alternative = markingToAlternative(definition);
  return k;
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

/**
 * A node as a principal: its party's releasing officer, cleared at the party's top level, holding the
 * label's restrictive values and those of its designations that are its own party's (the registry says
 * which party defines which designation, R13).
 */
export function nodePrincipal(
  registry: CompiledRegistry,
  party: string,
  label: Label,
): DecisionRequest['principal'] {
  const scheme = registry.parties.get(party);
  const top = scheme ? [...scheme.levels.values()].sort((a, b) => b.rank - a.rank)[0]!.id : 'U';
  const { Designation, ...restrictive } = label.restrictive ?? {};
  return {
    id: `node:${party}`,
    party,
    clearance: top,
    designations: (Designation ?? []).filter((d) => registry.designationOwner.get(d) === party),
    restrictive,
    roles: ['releasing-officer'],
    official: true,
    contractor: false,
  };
}

/** The consents held for an item (R15–R17), to join its label's consents; undefined when none are. */
export type ConsentsOf = (itemId: string) => Label['consents'] | undefined;

/**
 * One request's decisions for one person: every verdict comes from `decide()` (architecture: "one rule,
 * one place"), asked once per (label, action, held consents) in the request, and every distinct decision is
 * audited (R29). An item's held consents (R15–R17) join its label's consents, so items of one label with
 * different consents get their own decisions; items without any share the label's.
 */
export class Decider {
  private readonly cache = new Map<string, Answer>();
  /** Release decisions, apart: they are audited by the release, not by auditEntries(). */
  private readonly releases = new Map<string, Answer>();
  private readonly subjects = new Map<string, Set<string>>();
  private principal: PreparedPrincipal | undefined;

  constructor(
    readonly person: Person,
    private readonly registry: CompiledRegistry,
    private readonly book: LabelBook,
    private readonly party: string,
    readonly at: string,
    private readonly consentsOf: ConsentsOf = () => undefined,
    /** R17: the purpose the person states for this request, when there is one. */
    private readonly purpose?: string,
  ) {}

  /** The cache key of a decision: the item's held consents (by ref) are part of it. */
  private keyOf(action: Action, labelId: string, itemId: string | undefined): string {
    const held = itemId === undefined ? undefined : this.consentsOf(itemId);
    const refs = held
      ? held
          .map((c) => c.ref ?? `${c.by}@${c.at}`)
          .sort()
          .join(',')
      : '';
    return `${action}\0${labelId}\0${refs}`;
  }

  /**
   * The answer for `action` on the item marked `labelId` (undefined when the node holds no such label); with
   * `itemId`, that item's held consents join the label's.
   */
  answer(labelId: string, action: Action = 'read', itemId?: string): Answer | undefined {
    const label = this.book.label(labelId);
    return label ? this.answerFor(labelId, label, action, itemId) : undefined;
  }

  /** The answer for a label given with its id (a label being posted, not yet in the book). */
  answerFor(labelId: string, label: Label, action: Action, itemId?: string): Answer {
    const key = this.keyOf(action, labelId, itemId);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const receivedUnder = label.originator === this.party ? undefined : this.book.receivedUnder(labelId);
    const held = itemId === undefined ? undefined : this.consentsOf(itemId);
    // Held consents make a label of their own; the book's labels are decided on in their prepared form.
    const withConsents = held
      ? { ...label, consents: [...(label.consents ?? []), ...held] }
      : this.book.label(labelId) === label
        ? this.book.preparedLabel(labelId, this.registry)!
        : label;
    const answer = decide(this.registry, {
      at: this.at,
      principal: this.prepared(),
      action,
      ...(this.purpose !== undefined ? { purpose: this.purpose } : {}),
      item: { label: withConsents, holder: this.party, ...(receivedUnder ? { receivedUnder } : {}) },
    });
    this.cache.set(key, answer);
    return answer;
  }

  /**
   * decide(release) of what `labelId` marks to a partner, by this person (R14–R18): `label` is the item's label
   * with its held consents joined. Cached per label, consents and destination, like every other decision.
   */
  release(labelId: string, label: Label, release: { to: string; under?: string }): Answer {
    const refs = (label.consents ?? []).map((c) => c.ref ?? `${c.by}@${c.at}`).join(',');
    const key = `${labelId}\0${refs}\0${release.to}\0${release.under ?? ''}`;
    const hit = this.releases.get(key);
    if (hit) return hit;
    const receivedUnder = label.originator === this.party ? undefined : this.book.receivedUnder(labelId);
    const answer = decide(this.registry, {
      at: this.at,
      principal: this.prepared(),
      action: 'release',
      item: { label, holder: this.party, ...(receivedUnder ? { receivedUnder } : {}) },
      release,
    });
    this.releases.set(key, answer);
    return answer;
  }

  /**
   * A node-level decision: `party`'s node releasing `label` at `at`, as a releasing officer cleared for
   * everything the label carries (nodePrincipal) — how a receiving node checks a sender's release (R14, R15,
   * R21, R24).
   */
  static nodeRelease(
    registry: CompiledRegistry,
    party: string,
    label: Label,
    at: string,
    release: { to: string; under?: string },
  ): Answer {
    const principal = nodePrincipal(registry, party, label);
    return decide(registry, { at, principal, action: 'release', item: { label, holder: party }, release });
  }

  private prepared(): PreparedPrincipal {
    if (this.principal === undefined) {
      const { version: _v, name: _n, ...principal } = this.person;
      this.principal = preparePrincipal(this.registry, principal);
    }
    return this.principal;
  }

  /** Records that `subject` (an item id) was decided under (labelId, action), for that decision's audit entry. */
  note(labelId: string, action: Action, subject: string): void {
    const key = this.keyOf(action, labelId, subject);
    let set = this.subjects.get(key);
    if (!set) {
      set = new Set();
      this.subjects.set(key, set);
    }
    if (set.size < 1_000) set.add(subject);
  }

  /**
   * May the person `action` what `labelId` marks? With `subject` (the item's id), its held consents count
   * and it is recorded for the audit entry of this decision.
   */
  permits(labelId: string, action: Action = 'read', subject?: string): boolean {
    const a = this.answer(labelId, action, subject);
    if (a && subject !== undefined) this.note(labelId, action, subject);
    return a?.decision === 'permit';
  }

  /**
   * For redact() of item `itemId`: may the person read a label (not an id) it carries? Every label of the
   * item, floor and portions alike, is decided with the item's held consents (R11, R15–R17): the very
   * decision (and audit entry) of permits(labelId, 'read', itemId), so what the audit log records as read is
   * what redaction shows — one decision per read.
   */
  mayReadOn(itemId: string): (label: Label) => boolean {
    return (label) => {
      const id = this.book.idOf(label);
      return id !== undefined && this.permits(id, 'read', itemId);
    };
  }

  /** One audit entry per distinct decision made in this request (permit and deny, R29). */
  auditEntries(context: string): AuditEntryInput[] {
    const out: AuditEntryInput[] = [];
    for (const [key, answer] of this.cache) {
      const [action, labelId, refs] = key.split('\0') as [Action, string, string];
      const subjects = [...(this.subjects.get(key) ?? [])];
      out.push({
        kind: 'decision',
        at: this.at,
        actor: this.person.name,
        subjects,
        action,
        decision: answer.decision,
        ...(answer.decision === 'deny' ? { reasons: answer.reasons.map((r) => r.code) } : {}),
        details: {
          label: labelId,
          via: context,
          personVersion: this.person.version,
          ...(refs ? { consents: refs.split(',') } : {}),
          ...(this.purpose !== undefined ? { purpose: this.purpose } : {}),
        },
      });
    }
    return out;
  }
}
