import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { ReltoError } from '../../errors/index.js';
import { isLang, type Lang } from '../../label/index.js';
import type { Label } from '../../label/schema.js';
import type {
  AuditHeadView,
  FeedPollResult,
  FeedRecord,
  ManifestPage,
  NewsPage,
  NodeService,
  ObjectFilter,
  ObjectsPage,
  Person,
  PersonChange,
  PersonRecord,
  PostResult,
  SearchRequest,
  SearchResult,
  VersionsPage,
} from '../../node/service.js';
import {
  type Action,
  type Answer,
  type DecisionRequest,
  decide,
  type Principal,
} from '../../policy/index.js';
import { type CompiledRegistry, compileRegistry, loadBuiltinRegistry } from '../../registry/index.js';
import {
  floorMarkingId,
  isReltoMarking,
  labelMarkingId,
  labelToMarking,
  markingToLabel,
  oasisValidator,
  partyIdentityId,
  redact,
} from '../../stix/index.js';
import type { CompromiseReport, CustodyRecord, StixObject } from '../../store/store.js';

/**
 * An in-memory NodeService for testing the HTTP edge before (and beside) the real node. It is honest about
 * the port's semantics, kept simple: every read goes through the real `decide()` and `redact()`; posts are
 * validated against the OASIS schemas and all-or-nothing; filters, versions and cursors behave as
 * ObjectFilter says. It has no store, no encryption and no Merkle log (audit proofs are not offered).
 */
export interface FakePerson {
  name: string;
  password: string;
  clearance: string;
  roles: Principal['roles'];
}

interface Row {
  seq: number;
  id: string;
  type: string;
  specVersion: string;
  version: string;
  dateAdded: string;
  object: StixObject;
}

const clone = <T>(v: T): T => structuredClone(v);

export class FakeNode implements NodeService {
  readonly party = 'KOR';
  readonly registry: CompiledRegistry = compileRegistry(loadBuiltinRegistry());
  readonly identityId = partyIdentityId('KOR');
  readonly collectionId = randomUUID();

  private readonly people = new Map<
    string,
    FakePerson & { version: number; disabled: boolean; lang: Lang | null }
  >();
  private readonly csrfKey = randomBytes(32);
  private readonly tokens = new Map<string, string>();
  private readonly rows: Row[] = [];
  private readonly markings = new Map<string, StixObject>();
  /** The marking-definitions as objects of the collection, in the order they were first stored. */
  private readonly markingRows: Row[] = [];
  private readonly posts = new Map<string, { owner: string; result: PostResult }>();
  private readonly custody: CustodyRecord[] = [];
  private readonly compromises: CompromiseReport[] = [];
  private readonly audit: unknown[] = [];
  private readonly listeners = new Set<(name: string) => void>();
  private seq = 0;
  private clock = Date.parse('2026-03-01T00:00:00.000Z');

  constructor(people: FakePerson[]) {
    for (const p of people) this.people.set(p.name, { ...p, version: 1, disabled: false, lang: null });
  }

  /** R36 in the fake: a change is seen by the next request of every open token. */
  changePerson(name: string, change: { clearance?: string; disabled?: boolean }): void {
    const p = this.people.get(name)!;
    Object.assign(p, change, { version: p.version + 1 });
    for (const l of this.listeners) l(name);
  }

  /** How many object versions are held (for "nothing stored" checks). */
  get size(): number {
    return this.rows.length;
  }

  private holdMarking(md: StixObject): void {
    if (!this.markings.has(md.id)) {
      const version = String(md.created);
      this.markingRows.push({
        seq: ++this.seq,
        id: md.id,
        type: md.type,
        specVersion: '2.1',
        version,
        dateAdded: this.now(),
        object: md,
      });
    }
    this.markings.set(md.id, md);
  }

  private now(): string {
    this.clock += 1;
    return new Date(this.clock).toISOString();
  }

  private personNamed(name: string): Person | null {
    const p = this.people.get(name);
    if (!p || p.disabled) return null;
    return {
      id: p.name,
      name: p.name,
      party: this.party,
      clearance: p.clearance,
      roles: p.roles,
      official: true,
      version: p.version,
      lang: p.lang,
    };
  }

  private principal(person: Person): Principal {
    const fresh = this.personNamed(person.name);
    if (!fresh) throw new ReltoError('UNAUTHENTICATED');
    const { name: _n, version: _v, lang: _l, ...principal } = fresh;
    return principal;
  }

  private labelOf = (markingId: string): Label | undefined => {
    const md = this.markings.get(markingId);
    return md && isReltoMarking(md) ? markingToLabel(md) : undefined;
  };

  private answer(person: Person, action: Action, label: Label): Answer {
    const answer = decide(this.registry, {
      at: new Date(this.clock).toISOString(),
      principal: this.principal(person),
      action,
      item: { label, holder: this.party },
    });
    this.audit.push({ by: person.name, action, decision: answer.decision });
    return answer;
  }

  private view(person: Person, row: Row): StixObject | null {
    if (row.type === 'marking-definition') {
      const label = this.labelOf(row.id);
      return !label || this.answer(person, 'read', label).decision === 'permit' ? row.object : null;
    }
    return redact(
      row.object,
      this.labelOf,
      (label) => this.answer(person, 'read', label).decision === 'permit',
    ) as StixObject | null;
  }

  /** Rows matching a filter (ids, types, spec versions, added_after, match[version]) in date_added order. */
  private select(filter: ObjectFilter): Row[] {
    const all = filter.markingsAsObjects
      ? [...this.rows, ...this.markingRows].sort((a, b) => a.seq - b.seq)
      : this.rows;
    let rows = all.filter(
      (r) =>
        (!filter.ids || filter.ids.includes(r.id)) &&
        (!filter.types || filter.types.includes(r.type)) &&
        (!filter.specVersions || filter.specVersions.includes(r.specVersion)),
    );
    const versions = filter.versions ?? ['last'];
    if (!versions.includes('all')) {
      const byId = new Map<string, Row[]>();
      for (const r of rows) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
      const keep = new Set<Row>();
      for (const list of byId.values()) {
        const sorted = [...list].sort((a, b) => (a.version < b.version ? -1 : 1));
        if (versions.includes('last')) keep.add(sorted.at(-1)!);
        if (versions.includes('first')) keep.add(sorted[0]!);
        for (const r of sorted) if (versions.includes(r.version)) keep.add(r);
      }
      rows = rows.filter((r) => keep.has(r));
    }
    if (filter.addedAfter)
      rows = rows.filter((r) => Date.parse(r.dateAdded) > Date.parse(filter.addedAfter!));
    return rows;
  }

  /** A page of visible rows after the cursor; `more` is true only when another visible row exists. */
  private page(
    person: Person,
    filter: ObjectFilter,
  ): { rows: { row: Row; view: StixObject }[]; more: boolean } {
    const after = filter.next === undefined ? -1 : Number(Buffer.from(filter.next, 'base64url').toString());
    if (!Number.isInteger(after))
      throw new ReltoError('MALFORMED_REQUEST', 'next is not a cursor of this node');
    const limit = filter.limit ?? 100;
    const out: { row: Row; view: StixObject }[] = [];
    for (const row of this.select(filter)) {
      if (row.seq <= after) continue;
      const view = this.view(person, row);
      if (!view) continue;
      if (out.length === limit) return { rows: out, more: true };
      out.push({ row, view });
    }
    return { rows: out, more: false };
  }

  private static cursor(rows: { row: Row }[], more: boolean) {
    const last = rows.at(-1);
    return {
      more,
      ...(more && last ? { next: Buffer.from(String(last.row.seq)).toString('base64url') } : {}),
      ...(last ? { dateAddedFirst: rows[0]!.row.dateAdded, dateAddedLast: last.row.dateAdded } : {}),
    };
  }

  private markingsFor(objects: StixObject[]): StixObject[] {
    const ids = new Set<string>();
    for (const o of objects) {
      for (const r of (o.object_marking_refs as string[] | undefined) ?? []) ids.add(r);
      for (const g of (o.granular_markings as { marking_ref?: string }[] | undefined) ?? []) {
        if (g.marking_ref) ids.add(g.marking_ref);
      }
    }
    return [...ids].map((id) => this.markings.get(id)).filter((m): m is StixObject => m !== undefined);
  }

  // ---- people

  async authenticateBasic(name: string, password: string): Promise<Person | null> {
    const p = this.people.get(name);
    return p && p.password === password ? this.personNamed(name) : null;
  }
  async authenticateToken(token: string): Promise<Person | null> {
    const name = this.tokens.get(token);
    return name ? this.personNamed(name) : null;
  }
  async issueToken(person: Person): Promise<{ token: string; expiresAt: string }> {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, person.name);
    return { token, expiresAt: new Date(this.clock + 86_400_000).toISOString() };
  }
  async revokeToken(token: string): Promise<void> {
    this.tokens.delete(token);
  }
  async sessionCsrf(token: string): Promise<string> {
    return createHmac('sha256', this.csrfKey).update(token).digest('base64url');
  }
  async setLang(actor: Person, lang: string): Promise<Person> {
    const p = this.people.get(this.principal(actor).id)!;
    if (!isLang(lang)) throw new ReltoError('UNSUPPORTED_LANGUAGE', `no language "${lang}"`, '/lang');
    p.lang = lang;
    return this.personNamed(p.name)!;
  }
  async refreshPerson(person: Person): Promise<Person | null> {
    return this.personNamed(person.name);
  }
  onPersonChanged(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- the people register (the fake keeps no register beyond its people; security officers and admins)

  private registerKeeper(actor: Person): void {
    const roles = this.principal(actor).roles;
    if (!roles.includes('security-officer') && !roles.includes('admin')) throw new ReltoError('FORBIDDEN');
  }
  private record(name: string): PersonRecord {
    const p = this.people.get(name)!;
    const at = new Date(this.clock).toISOString();
    return {
      name: p.name,
      party: this.party,
      clearance: p.clearance,
      roles: [...p.roles],
      designations: [],
      disabled: p.disabled,
      version: p.version,
      createdAt: at,
      updatedAt: at,
    };
  }
  async listPeople(actor: Person): Promise<PersonRecord[]> {
    this.registerKeeper(actor);
    return [...this.people.keys()].map((n) => this.record(n));
  }
  async updatePerson(actor: Person, name: string, change: PersonChange): Promise<PersonRecord> {
    this.registerKeeper(actor);
    if (!this.people.has(name)) throw new ReltoError('NOT_FOUND', `no person ${name}`);
    this.changePerson(name, change as { clearance?: string; disabled?: boolean });
    return this.record(name);
  }

  // ---- news feeds: the real node's (the fake stood in before feeds existed)
  async addFeed(): Promise<FeedRecord> {
    throw new ReltoError('NOT_IMPLEMENTED', 'the in-memory node takes in no feeds');
  }
  async listFeeds(): Promise<FeedRecord[]> {
    return [];
  }
  async pollFeed(): Promise<FeedPollResult> {
    throw new ReltoError('NOT_IMPLEMENTED', 'the in-memory node takes in no feeds');
  }
  async itemEntities(): Promise<null> {
    throw new ReltoError('NOT_IMPLEMENTED', 'the in-memory node finds no entities');
  }
  async listNews(): Promise<NewsPage> {
    throw new ReltoError('NOT_IMPLEMENTED', 'the in-memory node takes in no news');
  }

  // ---- items

  async postObjects(actor: Person, objects: unknown[]): Promise<PostResult> {
    const validator = oasisValidator();
    const known = new Map(this.markings);
    objects.forEach((o, i) => {
      const issues = validator.validateObject(o, `/objects/${i}`);
      if (issues.length > 0) {
        throw new ReltoError(
          'INVALID_STIX',
          `${issues[0]!.pointer} ${issues[0]!.message}`,
          issues[0]!.pointer,
        );
      }
      const obj = o as StixObject;
      if (obj.type !== 'marking-definition') return;
      if (isReltoMarking(obj) && labelMarkingId(markingToLabel(obj)) !== obj.id) {
        throw new ReltoError('LABEL_ID_MISMATCH', undefined, `/objects/${i}/id`);
      }
      known.set(obj.id, obj);
    });
    const isLabel = (id: string) => {
      const md = known.get(id);
      return md !== undefined && isReltoMarking(md);
    };
    const rows: Row[] = [];
    objects.forEach((o, i) => {
      const obj = o as StixObject;
      if (obj.type === 'marking-definition') return;
      const floor = floorMarkingId(obj, isLabel);
      if (floor === null)
        throw new ReltoError('INVALID_LABEL', 'one relto floor label is needed', `/objects/${i}`);
      const refs = [
        ...((obj.object_marking_refs as string[] | undefined) ?? []),
        ...((obj.granular_markings as { marking_ref?: string }[] | undefined) ?? []).map(
          (g) => g.marking_ref ?? '',
        ),
      ];
      for (const ref of refs) {
        if (!known.has(ref)) throw new ReltoError('INVALID_LABEL', `unknown marking ${ref}`, `/objects/${i}`);
        const md = known.get(ref)!;
        // Creating what one may not read is refused (the fake's stand-in for the create check).
        if (isReltoMarking(md) && this.answer(actor, 'read', markingToLabel(md)).decision !== 'permit') {
          throw new ReltoError('FORBIDDEN', `you may not create content under ${ref}`, `/objects/${i}`);
        }
      }
      rows.push({
        seq: 0,
        id: obj.id,
        type: obj.type,
        specVersion: String(obj.spec_version ?? '2.1'),
        version: String(obj.modified ?? obj.created),
        dateAdded: '',
        object: clone(obj),
      });
    });
    // All checks passed: store everything at once (one "transaction").
    for (const md of known.values()) this.holdMarking(md);
    const stored: PostResult['objects'] = [];
    for (const r of rows) {
      if (this.rows.some((x) => x.id === r.id && x.version === r.version)) continue;
      r.seq = ++this.seq;
      r.dateAdded = this.now();
      this.rows.push(r);
      stored.push({ id: r.id, version: r.version, outcome: 'stored' });
    }
    const result: PostResult = {
      id: randomUUID(),
      at: new Date(this.clock).toISOString(),
      total: objects.length,
      objects: [
        ...stored,
        ...objects
          .filter((o) => (o as StixObject).type === 'marking-definition')
          .map((o) => ({ id: (o as StixObject).id, outcome: 'stored' as const })),
      ],
    };
    this.posts.set(result.id, { owner: actor.name, result });
    return result;
  }

  async getPost(actor: Person, postId: string): Promise<PostResult | null> {
    const s = this.posts.get(postId);
    return s && s.owner === actor.name ? s.result : null;
  }

  async listObjects(actor: Person, filter: ObjectFilter): Promise<ObjectsPage> {
    const { rows, more } = this.page(actor, filter);
    const objects = rows.map((r) => r.view);
    const markings = filter.markingsAsObjects ? [] : this.markingsFor(objects);
    return { objects, markings, ...FakeNode.cursor(rows, more) };
  }

  async getObject(actor: Person, id: string, filter: ObjectFilter): Promise<ObjectsPage> {
    return this.listObjects(actor, { ...filter, ids: [id] });
  }

  async manifest(actor: Person, filter: ObjectFilter): Promise<ManifestPage> {
    const { rows, more } = this.page(actor, filter);
    return {
      objects: rows.map(({ row }) => ({
        id: row.id,
        date_added: row.dateAdded,
        version: row.version,
        media_type: 'application/stix+json;version=2.1',
      })),
      ...FakeNode.cursor(rows, more),
    };
  }

  async versions(actor: Person, id: string, filter: ObjectFilter): Promise<VersionsPage> {
    const { rows, more } = this.page(actor, { ...filter, ids: [id], versions: ['all'] });
    return { versions: rows.map((r) => r.row.version), ...FakeNode.cursor(rows, more) };
  }

  async destroyObject(actor: Person, id: string, filter: ObjectFilter): Promise<boolean> {
    const { rows } = this.page(actor, {
      ...filter,
      ids: [id],
      versions: filter.versions ?? ['all'],
      markingsAsObjects: false,
    });
    if (rows.length === 0) return false;
    const label = this.labelOf(floorMarkingId(rows[0]!.row.object, (m) => this.labelOf(m) !== undefined)!)!;
    const answer = this.answer(actor, 'destroy', label);
    if (answer.decision !== 'permit') {
      throw new ReltoError('FORBIDDEN', answer.reasons.map((r) => r.code).join(', '), '', answer);
    }
    for (const { row } of rows) this.rows.splice(this.rows.indexOf(row), 1);
    return true;
  }

  /** Words ANDed over what the reader may see of the latest versions (no index: the redacted text itself). */
  async search(actor: Person, request: SearchRequest): Promise<SearchResult> {
    const words = request.text.toLowerCase().split(/\s+/).filter(Boolean);
    const hits: SearchResult['hits'] = [];
    for (const row of this.select({
      versions: ['last'],
      ...(request.types ? { types: request.types } : {}),
    })) {
      const view = this.view(actor, row);
      if (!view) continue;
      const text = JSON.stringify(view).toLowerCase();
      if (!words.every((w) => text.includes(w))) continue;
      hits.push({
        id: row.id,
        type: row.type,
        originator: 'KOR',
        ...(view.name ? { name: String(view.name) } : {}),
      });
    }
    const offset = request.offset ?? 0;
    return { total: hits.length, hits: hits.slice(offset, offset + (request.limit ?? 20)) };
  }

  // ---- custody and compromise

  private visible(actor: Person, itemId: string): { row: Row; label: Label } {
    const { rows } = this.page(actor, { ids: [itemId], limit: 1 });
    if (rows.length === 0) throw new ReltoError('NOT_FOUND', `no item ${itemId}`);
    const row = rows[0]!.row;
    return { row, label: this.labelOf(floorMarkingId(row.object, (m) => this.labelOf(m) !== undefined)!)! };
  }

  async recordCustody(
    actor: Person,
    itemId: string,
    kind: 'copy' | 'translation' | 'print' | 'export' | 'return',
    details: Record<string, unknown> = {},
  ): Promise<CustodyRecord> {
    const { label } = this.visible(actor, itemId);
    const action: Action = kind === 'translation' ? 'translate' : kind === 'return' ? 'read' : kind;
    const answer = this.answer(actor, action, label);
    if (answer.decision !== 'permit')
      throw new ReltoError('FORBIDDEN', answer.reasons[0]?.message, '', answer);
    const copies = this.custody.filter((c) => c.itemId === itemId && c.kind === 'copy').length;
    const record: CustodyRecord = {
      seq: this.custody.length + 1,
      itemId,
      kind,
      copyNumber: kind === 'copy' ? copies + 1 : null,
      by: actor.name,
      at: this.now(),
      details,
    };
    this.custody.push(record);
    return record;
  }

  async listCustody(actor: Person, itemId: string): Promise<CustodyRecord[]> {
    this.visible(actor, itemId);
    return this.custody.filter((c) => c.itemId === itemId);
  }

  async reportCompromise(
    actor: Person,
    report: { items: string[]; description?: string; deadlines?: Record<string, string> },
  ): Promise<CompromiseReport> {
    for (const id of report.items) this.visible(actor, id);
    const at = this.now();
    const r: CompromiseReport = {
      id: randomUUID(),
      items: report.items,
      reportedBy: actor.name,
      reportedAt: at,
      originator: 'KOR',
      status: 'reported',
      deadlines: report.deadlines ?? {},
      description: report.description ?? null,
      findings: null,
      measures: null,
      history: [{ at, by: actor.name, status: 'reported' }],
      updatedAt: at,
    };
    this.compromises.push(r);
    return r;
  }

  async advanceCompromise(
    actor: Person,
    id: string,
    step: { to: CompromiseReport['status']; note?: string; findings?: string; measures?: string },
  ): Promise<CompromiseReport> {
    const r = this.compromises.find((c) => c.id === id);
    if (!r) throw new ReltoError('NOT_FOUND', `no compromise report ${id}`);
    const order = ['reported', 'investigating', 'findings-sent', 'closed'];
    if (order.indexOf(step.to) !== order.indexOf(r.status) + 1) {
      throw new ReltoError('CONFLICT', `a report ${r.status} cannot move to ${step.to} (R28)`);
    }
    const at = this.now();
    r.status = step.to;
    r.history.push({ at, by: actor.name, status: step.to, ...(step.note ? { note: step.note } : {}) });
    if (step.findings) r.findings = step.findings;
    if (step.measures) r.measures = step.measures;
    r.updatedAt = at;
    return r;
  }

  async listCompromises(actor: Person): Promise<CompromiseReport[]> {
    return this.compromises.filter(
      (c) => c.reportedBy === actor.name || actor.roles.includes('security-officer'),
    );
  }

  async reclassify(actor: Person, itemId: string, newLabel: unknown): Promise<void> {
    const { row } = this.visible(actor, itemId);
    if (!actor.roles.includes('security-officer')) {
      throw new ReltoError('FORBIDDEN', 'reclassification is done by a security officer (R8)');
    }
    const md = labelToMarking(newLabel as Label) as unknown as StixObject;
    this.holdMarking(md);
    const floor = floorMarkingId(row.object, (m) => this.labelOf(m) !== undefined)!;
    for (const r of this.rows.filter((x) => x.id === itemId)) {
      r.object.object_marking_refs = (r.object.object_marking_refs as string[]).map((m) =>
        m === floor ? md.id : m,
      );
    }
  }

  async decideFor(actor: Person, request: Omit<DecisionRequest, 'principal'>): Promise<Answer> {
    return decide(this.registry, { ...request, principal: this.principal(actor) });
  }

  // ---- audit (R35: auditors read every entry, anyone else their own; the head is for everyone)

  private isAuditor(actor: Person): boolean {
    return actor.roles.includes('security-officer') || actor.roles.includes('admin');
  }
  private auditor(actor: Person): void {
    if (!this.isAuditor(actor)) {
      throw new ReltoError('FORBIDDEN', 'the audit log is for security officers and administrators (R35)');
    }
  }
  async auditHead(): Promise<AuditHeadView> {
    return {
      treeSize: this.audit.length,
      rootHash: '',
      timestamp: new Date(this.clock).toISOString(),
      signature: '',
      origin: this.party,
      publicKey: { kty: 'OKP', crv: 'Ed25519', x: '' },
    };
  }
  async auditEntries(actor: Person, from: number, to: number): Promise<{ index: number; entry: unknown }[]> {
    return this.audit
      .slice(from, to)
      .map((entry, i) => ({ index: from + i, entry }))
      .filter((e) => this.isAuditor(actor) || (e.entry as { actor?: string }).actor === actor.name);
  }
  async inclusionProof(actor: Person, index: number): Promise<{ leafHash: string; proof: string[] }> {
    if ((this.audit[index] as { actor?: string } | undefined)?.actor !== actor.name) this.auditor(actor);
    throw new ReltoError('NOT_IMPLEMENTED', 'the fake node keeps no Merkle tree');
  }
  async consistencyProof(actor: Person): Promise<{ proof: string[] }> {
    this.auditor(actor);
    throw new ReltoError('NOT_IMPLEMENTED', 'the fake node keeps no Merkle tree');
  }

  async close(): Promise<void> {}
}
