import type { AuditEntryInput } from '../audit/index.js';
import { ReltoError, reasonCodes } from '../errors/index.js';
import type { Label } from '../label/index.js';
import {
  type Action,
  type Answer,
  nodePrincipal as basePrincipal,
  type DecisionRequest,
  decide,
  type PreparedPrincipal,
  type Principal,
  preparePrincipal,
  type Role,
  validateDecisionRequest,
} from '../policy/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import type { LabelBook } from './labels.js';
import { type Person, principalOfPerson } from './service.js';

/** The consents held for an item (R15–R17), to join its label's consents; undefined when none are. */
export type ConsentsOf = (itemId: string) => Label['consents'] | undefined;

/** Where a release goes (contracts §4 `release`). */
export type ReleaseTarget = NonNullable<DecisionRequest['release']>;

/**
 * The node-level decisions: what a person's roles allow beyond the label rules, each with the refusal a
 * person without the role meets (its details as the API has always shown them).
 */
const NODE_DECISIONS = {
  // R29, R35: the audit log.
  'read-audit': {
    roles: ['security-officer', 'admin'],
    refusal: 'the audit log is read by security officers and administrators',
  },
  // R28, R35: compromise reports made here and received from partners.
  'read-compromises': {
    roles: ['security-officer', 'admin'],
    refusal: 'compromise reports are read by security officers and administrators',
  },
  // R28, R18.
  'handle-compromise': {
    roles: ['security-officer'],
    refusal: 'compromise reports are handled by security officers',
    details: { reasons: [{ code: 'ROLE_REQUIRED', rule: 'R18' }] },
  },
  // R8, R18.
  reclassify: {
    roles: ['security-officer'],
    refusal: 'reclassification is done by a security officer',
    details: { reasons: [{ code: 'ROLE_REQUIRED', rule: 'R18' }] },
  },
  // A TAXII status lists ids: its poster sees it, and an administrator.
  'read-any-status': { roles: ['admin'], refusal: 'a status is read by its poster' },
  // R29: alarms about partners' audit logs.
  'read-alarms': {
    roles: ['security-officer', 'admin'],
    refusal: 'alarms are read by security officers and administrators',
  },
  'clear-alarm': {
    roles: ['security-officer'],
    refusal: 'only a security officer may clear an alarm',
    details: { reasons: [{ code: 'ROLE_REQUIRED' }] },
  },
  // R28, R35: compromise reports partners sent about this node's items.
  'read-received-compromises': {
    roles: ['security-officer', 'admin'],
    refusal: 'compromise reports are read by security officers',
  },
  // R18, R34: a release request is decided by a releasing officer, before anything else is decided.
  'approve-release': {
    roles: ['releasing-officer'],
    refusal: 'only a releasing officer approves a release request',
    details: { reasons: [{ code: 'ROLE_REQUIRED', ...reasonCodes.ROLE_REQUIRED }] },
  },
  'refuse-release': {
    roles: ['releasing-officer'],
    refusal: 'only a releasing officer refuses a release request',
    details: { reasons: [{ code: 'ROLE_REQUIRED', ...reasonCodes.ROLE_REQUIRED }] },
  },
  // R36: the people register (clearance, roles, disabled) is kept by security officers and administrators.
  'manage-people': {
    roles: ['security-officer', 'admin'],
    refusal: 'the people register is kept by security officers and administrators',
    details: { reasons: [{ code: 'ROLE_REQUIRED', ...reasonCodes.ROLE_REQUIRED }] },
  },
  // The partner book (partners, their addresses and key fingerprints) is the administrator's.
  'read-partners': {
    roles: ['admin'],
    refusal: 'partners and their keys are read by administrators',
    details: { reasons: [{ code: 'ROLE_REQUIRED', ...reasonCodes.ROLE_REQUIRED }] },
  },
  // R34, R35: every release request is seen by those who decide or oversee them; anyone else sees their own.
  'read-all-releases': {
    roles: ['releasing-officer', 'security-officer', 'admin'],
    refusal: 'a person sees the release requests they filed',
  },
  // The news feeds the node polls (open sources, R33) are the administrator's.
  'manage-feeds': {
    roles: ['admin'],
    refusal: 'news feeds are managed by administrators',
    details: { reasons: [{ code: 'ROLE_REQUIRED', ...reasonCodes.ROLE_REQUIRED }] },
  },
  // The daily brief goes out on its schedule; sending a day's briefs at once is the administrator's.
  'send-briefs': {
    roles: ['admin'],
    refusal: 'briefs are sent out of schedule by administrators',
    details: { reasons: [{ code: 'ROLE_REQUIRED', ...reasonCodes.ROLE_REQUIRED }] },
  },
  // R15–R17, R34: the originator's answer to a consent request.
  'answer-consent': {
    roles: ['releasing-officer'],
    refusal: 'only a releasing officer answers a consent request',
    details: { reasons: ['ROLE_REQUIRED'] },
  },
} as const satisfies Record<string, { roles: readonly Role[]; refusal: string; details?: unknown }>;

/** A decision on what the person's roles allow, not on an item's label. */
export type NodeAction = keyof typeof NODE_DECISIONS;

/**
 * A node as a principal: its party's releasing officer, cleared at the party's top level, holding the
 * label's restrictive values and those of its designations that are its own party's (the registry says
 * which party defines which designation, R13), so only the rules of the agreement, the date and the caveats
 * decide (R14–R18, R21, R24).
 */
export function nodePrincipal(registry: CompiledRegistry, party: string, label: Label): Principal {
  const { Designation, ...restrictive } = label.restrictive ?? {};
  return {
    ...basePrincipal(registry, party, ['releasing-officer']),
    designations: (Designation ?? []).filter((d) => registry.designationOwner.get(d) === party),
    restrictive,
    contractor: false,
  };
}

/**
 * The one decision service of the node (architecture: "one rule, one place"): every read, release, custody
 * step and node-level decision of one request for one person. Every verdict on a label comes from
 * `decide()`, asked once per (label, action, held consents) in the request, and every distinct
 * decision is audited (R29). An item's held consents (R15–R17) join its label's consents, so items of one
 * label with different consents get their own decisions; items without any share the label's.
 */
export class Decider {
  private readonly cache = new Map<string, Answer>();
  /** Release decisions, apart: they are audited by the release, not by auditEntries(). */
  private readonly releases = new Map<string, Answer>();
  private readonly subjects = new Map<string, Set<string>>();
  /** Decisions asked with a full request (`relto client decide`), audited as asked. */
  private readonly asked: AuditEntryInput[] = [];
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
    release: ReleaseTarget,
  ): Answer {
    const principal = nodePrincipal(registry, party, label);
    return decide(registry, { at, principal, action: 'release', item: { label, holder: party }, release });
  }

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
      principal: this.preparedPrincipal(),
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
  release(labelId: string, label: Label, release: ReleaseTarget): Answer {
    const refs = (label.consents ?? []).map((c) => c.ref ?? `${c.by}@${c.at}`).join(',');
    const key = `${labelId}\0${refs}\0${release.to}\0${release.under ?? ''}`;
    const hit = this.releases.get(key);
    if (hit) return hit;
    const receivedUnder = label.originator === this.party ? undefined : this.book.receivedUnder(labelId);
    const answer = decide(this.registry, {
      at: this.at,
      principal: this.preparedPrincipal(),
      action: 'release',
      item: { label, holder: this.party, ...(receivedUnder ? { receivedUnder } : {}) },
      release,
    });
    this.releases.set(key, answer);
    return answer;
  }

  private plainPrincipal(): Principal {
    return principalOfPerson(this.person);
  }

  private preparedPrincipal(): PreparedPrincipal {
    this.principal ??= preparePrincipal(this.registry, this.plainPrincipal());
    return this.principal;
  }

  /**
   * A decision asked with a whole request for the person (`relto client decide`, §5): whatever principal the
   * request names, it is decided for the person; audited with the label asked about.
   */
  ask(request: Omit<DecisionRequest, 'principal'>): Answer {
    const full = validateDecisionRequest({
      ...(request as object),
      principal: this.plainPrincipal(),
    }) as DecisionRequest;
    const answer = decide(this.registry, full);
    this.asked.push({
      kind: 'decision',
      at: this.at,
      actor: this.person.name,
      action: full.action,
      decision: answer.decision,
      ...(answer.decision === 'deny' ? { reasons: answer.reasons.map((r) => r.code) } : {}),
      details: { via: 'decide', at: full.at, label: full.item.label },
    });
    return answer;
  }

  /** Does the person hold a role that allows the node-level `action`? */
  may(action: NodeAction): boolean {
    const roles: readonly Role[] = NODE_DECISIONS[action].roles;
    return roles.some((r) => this.person.roles.includes(r));
  }

  /**
   * R35: may the person see this audit entry? Security officers and administrators read the whole log;
   * anyone else only the entries of their own acts (the signed head and proofs are hashes, shown to all).
   */
  maySeeAuditEntry(entry: { actor: string }): boolean {
    return this.may('read-audit') || entry.actor === this.person.name;
  }

  /** Refuses (FORBIDDEN) a person whose roles do not allow the node-level `action`. */
  require(action: NodeAction): void {
    if (this.may(action)) return;
    const d: { refusal: string; details?: unknown } = NODE_DECISIONS[action];
    throw new ReltoError('FORBIDDEN', d.refusal, '', d.details);
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
    const out: AuditEntryInput[] = [...this.asked];
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
