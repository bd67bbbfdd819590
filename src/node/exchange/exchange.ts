import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEntryInput } from '../../audit/index.js';
import type { CanonicalForms } from '../../canon/index.js';
import { type ErrorCode, errorCodes, ReltoError } from '../../errors/index.js';
import {
  type AlternativeResult,
  type AuditHead,
  batchHeader,
  buildMessage,
  type ConsentAnswer,
  type ConsentRecord,
  type ConsentRequest,
  checkAuditHead,
  checkItems,
  type ExchangeKey,
  type Item,
  type Message,
  type MessageKind,
  openMessage,
  type Receipt,
  type ReclassificationNotice,
  receiverAlternative,
  type SignedRecord,
  signBatch,
  toLabelConsent,
  type VerifiedItem,
  verifyItem,
} from '../../exchange/index.js';
import type { NodeIdentity } from '../../identity/index.js';
import { type Label, validateLabel } from '../../label/index.js';
import { type Answer, type DecisionRequest, decide } from '../../policy/index.js';
import {
  isAlternativeMarking,
  isReltoMarking,
  labelToMarking,
  markingToLabel,
  textScopes,
} from '../../stix/index.js';
import type {
  CustodyInput,
  ExchangeRow,
  ExchangeRowInput,
  StixObject,
  Store,
  StoredObject,
} from '../../store/index.js';
import { deciderFor, type NodeContext } from '../context.js';
import { knownMarking } from '../labels.js';
import type { ExchangeService, Person } from '../service.js';
import { ALARM_ROW, type AlarmView, clearAlarm, listAlarms } from './alarms.js';
import { listPartners, type Partner } from './partners.js';
import {
  assertReleasingOfficer,
  assertUndecided,
  assertUndecidedIn,
  checkConsentFiling,
  checkReleaseFiling,
  notAPartner,
  type ReleaseRequestBody,
  refuseRelease,
  releaseMessageRow,
  releaseView,
} from './release-state.js';

/**
 * The node's side of the exchange between nodes (contracts §9): release requests and their four-eyes
 * approval (R34) → decide(release) (R14–R18) → an outbox row in the same transaction as the audit entry →
 * delivery (see delivery.ts) → the partner's signed receipt. The inbox opens messages, checks them (sender,
 * originator signatures, R25; the agreement and level on the receiving side, R14/R21), stores what passes with
 * the receiver-equivalent label (R6), and answers with a signed receipt. Consents (R15–R17) travel the same way.
 */

/** Row kinds this module keeps in the store's exchange table. */
export const ROWS = {
  outbox: 'outbox',
  inbox: 'inbox',
  releaseRequest: 'release-request',
  consentRequestOut: 'consent-request-out',
  consentRequestIn: 'consent-request-in',
  consent: 'consent',
  signed: 'signed',
  signedMessage: 'signed-message',
  released: 'released',
  partnerHead: 'partner-head',
  headSent: 'head-sent',
  alarm: ALARM_ROW,
  compromiseIn: 'compromise-in',
  compromiseSent: 'compromise-sent',
} as const;

/**
 * A queued item as the outbox keeps it: an object this node holds, by reference (id and version; its content
 * stays sealed in the store under its own data key, R27), with its proof and signatures; anything else (the
 * labels' marking-definitions, notices, consents) inline.
 */
export type QueuedItem = Item | (Omit<Item, 'object'> & { held: { id: string; version: string } });

/**
 * A pending outbox row (contracts §9): the message sealed for the partner as it goes on the wire (signed with
 * `envelope.time`, encrypted to the partner's key: this node cannot read it back), and what it takes to seal it
 * again once the partner's window for its time has passed — the envelope and the items, held objects by
 * reference. No item plaintext is written to the exchange table (R27, issue 3: content encrypted at rest).
 */
export interface OutboxBody {
  /** The sealed message, in the row (a node without an outbox folder). */
  jwe?: string;
  /**
   * The sealed message kept in the node's outbox folder instead (named by the message id), with its length
   * and SHA-256 so a missing or damaged file is known: the message is then sealed anew from `items`. Hundreds
   * of KB of ciphertext written, then zeroed (secure_delete) and checkpointed per message were a tenth of
   * the sender's CPU; a file is written once and unlinked when the message is settled.
   */
  file?: { length: number; sha256: string };
  envelope: Omit<Message, 'items'>;
  items: QueuedItem[];
}

/** A pending outbox row as written before messages were sealed when queued: the whole message in clear. */
export interface LegacyOutboxBody {
  message: Message;
}

/** A settled outbox row (delivered or refused for good): the envelope and item ids, the receipt or refusal. */
export interface SettledBody {
  message: Omit<Message, 'items'> & { items: string[] };
  receipt?: Receipt;
  refusal?: string;
}

/** What the inbox answers: an HTTP status and a body (a compact JWE receipt, or a JSON error). */
export interface InboxAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** A stored signed record (R25: kept per object version so it can be relayed). */
interface SignedRow {
  record: SignedRecord;
}

/**
 * A received object's signed record without the object: the object is held (sealed) in the store, and the
 * proof, index, size and originator JWS are what relaying needs beside it (R25). Keeping the plaintext here
 * again doubled what the receiver wrote and would outlive the item's destruction (R27).
 */
interface SignedProofRow {
  /** The object version the proof is for (the row is keyed by message and item). */
  version: string;
  proof: SignedRecord['proof'];
  leafIndex: number;
  treeSize: number;
  originatorJws: string;
}

/**
 * The originator proofs of a received release message's stored objects, in one row per message (relaying
 * needs them, R25): a row per object was the largest part of what the receiver wrote beside the objects. An
 * object's row is found through its custody receipt, which names the message. Batch signatures are listed
 * once and named by position.
 */
interface SignedMessageRow {
  jws: string[];
  items: { id: string; version: string; proof: string[]; leafIndex: number; treeSize: number; jws: number }[];
}

interface ConsentRow {
  record: SignedRecord;
  consent: ConsentRecord;
}

const versionOf = (o: StixObject): string => String(o.modified ?? o.created ?? '');

function nowIso(ctx: NodeContext): string {
  return new Date(ctx.clock()).toISOString();
}

function toItem(r: SignedRecord, consents: SignedRecord[] = []): Item {
  return {
    object: r.object,
    proof: r.proof,
    leafIndex: r.leafIndex,
    treeSize: r.treeSize,
    originatorJws: r.originatorJws,
    consents,
  };
}

export class Exchange implements ExchangeService {
  private partners = new Map<string, Partner>();
  /**
   * Messages this process sealed and queued, by id, with the length and SHA-256 their row names: the delivery
   * worker sends them from here instead of reading and hashing the file again (hundreds of KB per batch, and
   * an event-loop turn on the thread pool between a receipt and the next message, which left the partner
   * idle). The file stays the durable copy; an entry whose row names other bytes is not used.
   */
  private readonly sealed = new Map<string, { jwe: string; length: number; sha256: string }>();
  private sealedBytes = 0;
  private partnersLoadedAt = 0;
  /** Called when an outbox row is added for a partner (the delivery worker listens). */
  onQueued: (partner: string) => void = () => {};

  constructor(
    readonly ctx: NodeContext,
    readonly identity: NodeIdentity,
    /** Where sealed queued messages are kept (DIR/outbox); without it they are kept in their rows. */
    readonly outboxDir?: string,
  ) {}

  private outboxFile(id: string): string | undefined {
    // Ids this node made are UUIDs; anything else stays in its row.
    return this.outboxDir && /^[A-Za-z0-9-]{1,100}$/.test(id) ? join(this.outboxDir, `${id}.jwe`) : undefined;
  }

  /** The sealed message of a pending row: from its row, or its file when that is whole; else undefined. */
  async queuedJwe(body: OutboxBody): Promise<string | undefined> {
    if (body.jwe) return body.jwe;
    const held = this.sealed.get(body.envelope.id);
    if (held && body.file && held.length === body.file.length && held.sha256 === body.file.sha256)
      return held.jwe;
    const path = body.file ? this.outboxFile(body.envelope.id) : undefined;
    if (!path || !body.file) return undefined;
    try {
      const bytes = await readFile(path);
      if (bytes.length !== body.file.length || sha256Hex(bytes) !== body.file.sha256) return undefined;
      return bytes.toString('ascii');
    } catch {
      return undefined;
    }
  }

  /** Removes the file of a settled message (after its settlement committed). */
  async dropQueuedJwe(id: string): Promise<void> {
    this.forgetSealed(id);
    const path = this.outboxFile(id);
    if (!path) return;
    // unlink, not rm: rm stats the path first, a syscall per settled message for nothing.
    await unlink(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  /** At most this many bytes of sealed messages are held in memory; the oldest go first (their files stay). */
  private static readonly SEALED_BYTES = 64 * 1024 * 1024;

  private keepSealed(id: string, jwe: string, file: { length: number; sha256: string }): void {
    this.forgetSealed(id);
    this.sealed.set(id, { jwe, ...file });
    this.sealedBytes += file.length;
    for (const [oldest, entry] of this.sealed) {
      if (this.sealedBytes <= Exchange.SEALED_BYTES) break;
      this.sealed.delete(oldest);
      this.sealedBytes -= entry.length;
    }
  }

  private forgetSealed(id: string): void {
    const entry = this.sealed.get(id);
    if (!entry) return;
    this.sealed.delete(id);
    this.sealedBytes -= entry.length;
  }

  /**
   * Files of messages no longer pending (settled, or never queued: a transaction that failed or a process
   * that died between the file and its commit). A message whose file is removed while still queued is sealed
   * anew when sent, so this may run at any time.
   */
  async sweepOutboxFiles(): Promise<number> {
    if (!this.outboxDir) return 0;
    let removed = 0;
    let names: string[];
    try {
      names = await readdir(this.outboxDir);
    } catch {
      return 0;
    }
    for (const name of names) {
      if (!name.endsWith('.jwe')) continue;
      const row = await this.store.getExchange(ROWS.outbox, name.slice(0, -4));
      if (row?.status === 'pending') continue;
      this.forgetSealed(name.slice(0, -4));
      await rm(join(this.outboxDir, name), { force: true });
      removed++;
    }
    return removed;
  }

  get party(): string {
    return this.ctx.party;
  }

  get store(): Store {
    return this.ctx.store;
  }

  // ---- partners

  async loadPartners(): Promise<Partner[]> {
    const list = await listPartners(this.store);
    this.partners = new Map(list.map((p) => [p.party, p]));
    this.partnersLoadedAt = Date.now();
    return list;
  }

  /** The partners, re-read from the store when the cache is older than 2 s (`partner add` runs aside). */
  async currentPartners(): Promise<Partner[]> {
    if (Date.now() - this.partnersLoadedAt > 2000) await this.loadPartners();
    return [...this.partners.values()];
  }

  /** A partner, re-read from the store when not known or the cache is older than 2 s (`partner add` runs aside). */
  async partner(party: string): Promise<Partner | undefined> {
    if (!this.partners.has(party) || Date.now() - this.partnersLoadedAt > 2000) await this.loadPartners();
    return this.partners.get(party);
  }

  /** Synchronous lookups for message checks (after `loadPartners`). */
  private signingKeyOf = (party: string): ExchangeKey | undefined => {
    if (party === this.party) return this.identity.signing.publicJwk as ExchangeKey;
    return this.partners.get(party)?.identity.signingKey as ExchangeKey | undefined;
  };

  async trustedCaFingerprints(party: string): Promise<string[]> {
    const p = await this.partner(party);
    return p ? [p.caFingerprint] : [];
  }

  // ---- helpers

  private async me(actor: Person): Promise<Person> {
    return this.ctx.people.require(actor);
  }

  private async heldItem(id: string): Promise<{ stored: StoredObject; label: Label; labelId: string }> {
    const stored = await this.store.getObject(id);
    if (!stored?.object || !stored.floor) throw new ReltoError('NOT_FOUND', `no item ${id}`);
    await this.ctx.book.load([stored.floor]);
    const label = this.ctx.book.label(stored.floor);
    if (!label) throw new ReltoError('NOT_FOUND', `no item ${id}`);
    return { stored, label, labelId: stored.floor };
  }

  /** Many held items in one query per thousand (release requests name up to thousands), in the order asked. */
  private async heldItems(
    ids: readonly string[],
    withContent = true,
  ): Promise<{ stored: StoredObject; label: Label; labelId: string }[]> {
    const found = new Map<string, StoredObject>();
    for (let i = 0; i < ids.length; i += 1_000) {
      const part = [...new Set(ids.slice(i, i + 1_000))];
      const page = await this.store.fetchObjects(
        { ids: part, versions: ['last'], withContent },
        { limit: part.length },
      );
      for (const row of page.rows) found.set(row.id, row);
    }
    await this.ctx.book.load([...found.values()].flatMap((r) => (r.floor ? [r.floor] : [])));
    return ids.map((id) => {
      const stored = found.get(id);
      const label = stored?.floor ? this.ctx.book.label(stored.floor) : undefined;
      if ((withContent && !stored?.object) || !stored?.floor || !label) {
        throw new ReltoError('NOT_FOUND', `no item ${id}`);
      }
      return { stored, label, labelId: stored.floor };
    });
  }

  /** The originator-signed consents held for an item (R15–R17), as records and as label consents. */
  async consentsOf(itemId: string): Promise<ConsentRow[]> {
    return (await this.store.listExchange({ kind: ROWS.consent, ref: itemId })).map(
      (r) => r.body as ConsentRow,
    );
  }

  /** The item's label with its held consents joined (contracts §3: consents travel as signed records). */
  private async labelWithConsents(itemId: string, label: Label): Promise<Label> {
    const held = this.ctx.consents
      ? (this.ctx.consents.of(itemId) ?? [])
      : (await this.consentsOf(itemId)).map((c) => toLabelConsent(c.consent));
    return held.length === 0 ? label : { ...label, consents: [...(label.consents ?? []), ...held] };
  }

  private principalOf(me: Person): DecisionRequest['principal'] {
    const { version: _v, name: _n, ...principal } = me;
    return principal;
  }

  /**
   * The outbox row of a message: sealed for its partner now (signed, encrypted), its held objects kept by
   * reference. Made before the transaction that queues it (the partner's key is read from the store).
   */
  async outboxRow(message: Message, forms?: CanonicalForms): Promise<ExchangeRowInput> {
    const jwe = await this.seal(message, forms);
    const { items, ...envelope } = message;
    const heldObjects = message.kind === 'release';
    const path = this.outboxFile(message.id);
    let kept: Pick<OutboxBody, 'jwe' | 'file'> = { jwe };
    if (path) {
      const bytes = Buffer.from(jwe, 'ascii');
      // The folder is made when missing, not before every write (a recursive mkdir stats each part of it).
      await writeFile(path, bytes).catch(async (e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
        await mkdir(this.outboxDir!, { recursive: true });
        await writeFile(path, bytes);
      });
      const file = { length: bytes.length, sha256: sha256Hex(bytes) };
      kept = { file };
      this.keepSealed(message.id, jwe, file);
    }
    const body: OutboxBody = {
      ...kept,
      envelope,
      items: items.map((item) => {
        const o = item.object as StixObject;
        if (!heldObjects || o.type === 'marking-definition') return item;
        const { object: _o, ...rest } = item;
        return { ...rest, held: { id: o.id, version: versionOf(o) } };
      }),
    };
    return { kind: ROWS.outbox, key: message.id, partner: message.recipient, status: 'pending', body };
  }

  /** Queues a sealed message for a partner inside `tx` (the transactional outbox), with rows written beside it. */
  private async enqueue(tx: Store, row: ExchangeRowInput, beside: ExchangeRowInput[] = []): Promise<void> {
    // Not putExchange: it reads the row back, and a batch's message is hundreds of KB to parse for nothing.
    await tx.putExchangeRows([row, ...beside]);
  }

  /**
   * A queued message whole again (to seal it anew, or for tests): held objects read back from the store at the
   * version queued. An object destroyed since (R27) cannot travel any more and is left out.
   */
  async queuedMessage(body: OutboxBody | LegacyOutboxBody): Promise<Message> {
    if ('message' in body) return body.message;
    const items: Item[] = [];
    for (const q of body.items) {
      if (!('held' in q)) {
        items.push(q);
        continue;
      }
      const stored = await this.store.getObject(q.held.id, q.held.version);
      if (!stored?.object) continue;
      const { held: _h, ...rest } = q;
      items.push({ ...rest, object: stored.object });
    }
    return { ...body.envelope, items };
  }

  private signOwn<T extends object>(objects: T[], forms?: CanonicalForms): SignedRecord[] {
    return signBatch(
      { party: this.party, key: this.identity.signing.privateJwk as ExchangeKey },
      objects,
      forms,
    );
  }

  private newMessage(kind: MessageKind, to: string, items: Item[], under: string | null = null): Message {
    return {
      sender: this.party,
      recipient: to,
      id: randomUUID(),
      time: nowIso(this.ctx),
      kind,
      under,
      decision: null,
      items,
    };
  }

  /** Signs and encrypts a message as it is, to its recipient (a partner). */
  private async seal(message: Message, forms?: CanonicalForms): Promise<string> {
    const partner = await this.partner(message.recipient);
    if (!partner) throw new ReltoError('CONFLICT', `${message.recipient} is not a partner of ${this.party}`);
    return buildMessage(
      message,
      { party: this.party, key: this.identity.signing.privateJwk as ExchangeKey },
      { party: partner.party, key: partner.identity.encryptionKey as ExchangeKey },
      forms,
    );
  }

  /** Signs and encrypts a message with a fresh time (same id): a message sealed anew for a retry. */
  async sealForDelivery(message: Message): Promise<string> {
    return this.seal({ ...message, time: nowIso(this.ctx) });
  }

  /**
   * Seals a pending outbox row anew with a fresh time (same id) and keeps it: its partner refuses a message
   * older than its window (24 h by default), so one queued long ago is re-signed before it is sent again.
   */
  async resealQueued(row: ExchangeRow): Promise<OutboxBody> {
    const message = await this.queuedMessage(row.body as OutboxBody | LegacyOutboxBody);
    const fresh = { ...message, time: nowIso(this.ctx) };
    const next = (await this.outboxRow(fresh)).body as OutboxBody;
    await this.store.updateExchange(ROWS.outbox, row.key, { body: next });
    return next;
  }

  // ---- release (R14–R18, R34)

  /**
   * Files a release request (contracts §5 `relto client release`): one item, or several (`items`, the API's
   * batch form: one decision per item, one message, one originator signature per batch).
   */
  async fileRelease(
    actor: Person,
    body: { item?: string; items?: string[]; to: string; under?: string },
  ): Promise<ReleaseRequestBody> {
    const me = await this.me(actor);
    const wanted = body.items?.length ? body.items : body.item ? [body.item] : [];
    if (wanted.length === 0) throw new ReltoError('MALFORMED_REQUEST', 'name the item to release', '/item');
    // Checked when filed, each refusal naming the id at fault (R14, R24).
    checkReleaseFiling(this.ctx.registry, this.party, body, this.ctx.clock());
    if (!(await this.partner(body.to))) throw notAPartner(body.to, '/to');
    const ids: string[] = [];
    // Filing decides on labels only: the content is read (and signed) at approval.
    const heldRows = await this.heldItems(wanted, false);
    await yieldToIo();
    // One decider for the request: items of one label (and the same held consents) share its answer.
    const decider = deciderFor(this.ctx, me);
    for (const { stored, labelId } of heldRows) {
      const id = stored.id;
      // One may ask to release only what one may read.
      const read = decider.answer(labelId, 'read', stored.id);
      if (read?.decision !== 'permit') throw new ReltoError('NOT_FOUND', `no item ${id}`);
      ids.push(stored.id);
    }
    const at = nowIso(this.ctx);
    const request: ReleaseRequestBody = {
      id: `release-request--${randomUUID()}`,
      item: ids[0]!,
      ...(ids.length > 1 ? { items: ids } : {}),
      to: body.to,
      ...(body.under ? { under: body.under } : {}),
      by: me.name,
      at,
      status: 'pending',
    };
    await this.ctx.audit.appendWithin(async (tx) => {
      await tx.putExchange({
        kind: ROWS.releaseRequest,
        key: request.id,
        ref: request.item,
        partner: request.to,
        status: 'pending',
        body: request,
      });
      return {
        result: undefined,
        entries: [
          {
            kind: 'release',
            at,
            actor: me.name,
            action: 'request',
            subjects: [request.id, ...ids.slice(0, 1000)],
            details: { to: request.to, under: request.under ?? null, items: ids.length },
          },
        ],
      };
    });
    return request;
  }

  async listReleaseRequests(actor: Person): Promise<ReleaseRequestBody[]> {
    await this.me(actor);
    const rows = await this.store.listExchange({ kind: ROWS.releaseRequest });
    return Promise.all(rows.map((r) => releaseView(this.store, r.body as ReleaseRequestBody)));
  }

  /** A releasing officer refuses a release request, with a note (see release-state.ts). */
  async refuseRelease(actor: Person, requestId: string, note?: string): Promise<ReleaseRequestBody> {
    return refuseRelease(this.ctx, await this.me(actor), requestId, note);
  }

  /**
   * A releasing officer who did not file it approves (R34); decide(release) on each item's label with its
   * consents (R14–R18); only when every item is permitted is the outgoing message queued, in the same
   * transaction as the audit entries (the transactional outbox). A deny releases nothing.
   */
  async approveRelease(actor: Person, requestId: string): Promise<ReleaseRequestBody> {
    const me = await this.me(actor);
    const row = await this.store.getExchange(ROWS.releaseRequest, requestId);
    if (!row) throw new ReltoError('NOT_FOUND', `no release request ${requestId}`);
    const request = row.body as ReleaseRequestBody;
    assertReleasingOfficer(me, 'approves');
    assertUndecided(request);
    // R34: four eyes.
    if (request.by === me.name) {
      throw new ReltoError(
        'FOUR_EYES',
        `${me.name} filed ${requestId} and may not approve it: another releasing officer must`,
      );
    }
    const at = nowIso(this.ctx);
    const decisionId = `decision--${randomUUID()}`;
    const held: { stored: StoredObject; label: Label; labelId: string; answer: Answer }[] = [];
    // One audit entry per distinct (label, consents, answer): subjects list the items it covered.
    const entries = new Map<string, AuditEntryInput>();
    const heldRows = await this.heldItems(request.items ?? [request.item]);
    // Reading and decrypting a batch's items is milliseconds of synchronous work: a receipt waiting meanwhile
    // is handled, and the next message sent, before the decisions (see below).
    await yieldToIo();
    for (const { stored, label, labelId } of heldRows) {
      const withConsents = await this.labelWithConsents(stored.id, label);
      const receivedUnder =
        label.originator === this.party ? undefined : this.ctx.book.receivedUnder(labelId);
      const answer = decide(this.ctx.registry, {
        at,
        principal: this.principalOf(me),
        action: 'release',
        item: { label: withConsents, holder: this.party, ...(receivedUnder ? { receivedUnder } : {}) },
        release: { to: request.to, ...(request.under ? { under: request.under } : {}) },
      });
      held.push({ stored, label, labelId, answer });
      const key = `${labelId}|${withConsents.consents?.length ?? 0}|${answer.decision}|${answer.reasons.map((r) => r.code).join(',')}`;
      const e = entries.get(key);
      if (e) {
        if (e.subjects!.length < 1000) e.subjects!.push(stored.id);
      } else {
        entries.set(key, {
          kind: 'decision',
          at,
          actor: me.name,
          action: 'release',
          decision: answer.decision,
          subjects: [requestId, stored.id],
          ...(answer.decision === 'deny' ? { reasons: answer.reasons.map((r) => r.code) } : {}),
          details: { decision: decisionId, to: request.to, under: request.under ?? null, label: labelId },
        });
      }
    }
    const denied = held.find((h) => h.answer.decision !== 'permit');
    if (denied) {
      const body: ReleaseRequestBody = {
        ...request,
        status: 'denied',
        approvedBy: me.name,
        decision: denied.answer,
        ...(held.length > 1 ? { deniedItem: denied.stored.id } : {}),
      };
      await this.ctx.audit.appendWithin(async (tx) => {
        await assertUndecidedIn(tx, requestId);
        await tx.updateExchange(ROWS.releaseRequest, requestId, { status: 'denied', body });
        return { result: undefined, entries: [...entries.values()] };
      });
      return body;
    }
    if (!(await this.partner(request.to))) throw notAPartner(request.to);
    // A batch's approval is tens of ms of synchronous work (the store's calls, signing): it lets the event loop
    // run between its steps, so a receipt that arrived meanwhile is handled and the next message goes out
    // to the partner now, not after the whole approval.
    await yieldToIo();
    // The items' canonical forms, written once to be hashed and signed, are written into the message as they are.
    const forms: CanonicalForms = new Map();
    const items = await this.releaseItems(held, request.to, forms);
    await yieldToIo();
    const under = request.under ?? this.ctx.registry.bilateral(this.party, request.to)?.id ?? null;
    const message: Message = {
      ...this.newMessage('release', request.to, items, under),
      decision: decisionId,
    };
    const approved: ReleaseRequestBody = {
      ...request,
      // On its way: delivered or refused once the partner answers (release-state.ts).
      status: 'pending',
      approvedBy: me.name,
      approvedAt: at,
      decision: held[0]!.answer,
      message: message.id,
    };
    // Sealed for the partner before the transaction; queued (or not) with the audit entries in it.
    const queued = await this.outboxRow(message, forms);
    forms.clear();
    await yieldToIo();
    await this.ctx.audit.appendWithin(async (tx) => {
      await assertUndecidedIn(tx, requestId);
      await tx.updateExchange(ROWS.releaseRequest, requestId, { status: 'pending', body: approved });
      await this.enqueue(tx, queued, [
        releaseMessageRow(requestId, message.id),
        ...held.map((h) => ({
          kind: ROWS.released,
          // Keyed by message first: a batch's rows land side by side in the key index, not on a page each.
          key: `${message.id}|${h.stored.id}`,
          ref: h.stored.id,
          partner: request.to,
          // Who holds a copy (R8 notices go to every holder): the outbox row says whether it was receipted.
          status: 'released',
          body: { item: h.stored.id, version: h.stored.version, to: request.to, message: message.id },
        })),
      ]);
      return {
        result: undefined,
        entries: [
          ...entries.values(),
          {
            kind: 'release',
            at,
            actor: me.name,
            action: 'queue',
            subjects: held.map((h) => h.stored.id).slice(0, 1000),
            details: { message: message.id, to: request.to, under, decision: decisionId, items: held.length },
          },
        ],
      };
    });
    this.onQueued(request.to);
    await yieldToIo();
    return approved;
  }

  /**
   * The signed records of a release: the labels' marking-definitions and the objects, signed in one batch by
   * this node for its own items, else the originator's records as received (R25), with the consents held.
   */
  private async releaseItems(
    held: { stored: StoredObject; label: Label; labelId: string }[],
    to: string,
    forms?: CanonicalForms,
  ): Promise<Item[]> {
    const own = held.filter((h) => h.label.originator === this.party);
    const items: Item[] = [];
    if (own.length > 0) {
      const markings = [...new Set(own.map((h) => h.labelId))].map((id) => this.ctx.book.get(id)!.definition);
      for (const r of this.signOwn([...markings, ...own.map((h) => h.stored.object!)], forms)) {
        items.push(toItem(r));
      }
    }
    const relayedMarkings = new Set<string>();
    for (const h of held) {
      if (h.label.originator === this.party) continue;
      const object = h.stored.object!;
      const proofRow = await this.signedProofOf(object);
      const markingRow = await this.store.getExchange(ROWS.signed, h.labelId);
      if (!proofRow || !markingRow) {
        throw new ReltoError(
          'CONFLICT',
          `the originator's signed record of ${object.id} is not held, so it cannot be passed on`,
        );
      }
      const consents = (await this.consentsOf(object.id))
        .filter((c) => !('to' in c.consent) || c.consent.to === to)
        .map((c) => c.record);
      if (!relayedMarkings.has(h.labelId)) {
        relayedMarkings.add(h.labelId);
        items.push(toItem((markingRow.body as SignedRow).record));
      }
      items.push(toItem(this.heldRecord(object, proofRow), consents));
    }
    return items;
  }

  /**
   * The originator's proof for this version of a held object (R25): in the row of the message it came in
   * (named by its custody receipt), or in a row of its own as kept before.
   */
  private async signedProofOf(object: StixObject): Promise<SignedRow | SignedProofRow | undefined> {
    const version = versionOf(object);
    for (const c of await this.store.listCustody(object.id)) {
      const message = c.kind === 'receipt' ? (c.details as { message?: unknown } | null)?.message : undefined;
      if (typeof message !== 'string') continue;
      const row = await this.store.getExchange(ROWS.signedMessage, message);
      const body = row?.body as SignedMessageRow | undefined;
      const item = body?.items.find((i) => i.id === object.id && i.version === version);
      if (body && item) {
        const { id: _id, jws, ...proof } = item;
        return { ...proof, originatorJws: body.jws[jws]! };
      }
    }
    const key = `${object.id}|${version}`;
    const row = (await this.store.listExchange({ kind: ROWS.signed, ref: object.id })).find(
      (r) => r.key === key || (r.body as Partial<SignedProofRow>).version === version,
    );
    return row?.body as SignedRow | SignedProofRow | undefined;
  }

  /**
   * The originator's signed record of a held object (R25): rows written before proofs were kept apart carry
   * the object; newer ones are joined to the held object, which must still be what the originator signed.
   */
  private heldRecord(object: StixObject, body: SignedRow | SignedProofRow): SignedRecord {
    if ('record' in body) return body.record;
    const { proof, leafIndex, treeSize, originatorJws } = body;
    const record: SignedRecord = { object, proof, leafIndex, treeSize, originatorJws };
    const originator = batchHeader(body.originatorJws)?.kid;
    const key = originator ? this.signingKeyOf(originator) : undefined;
    if (!key || !verifyItem(record, key).ok) {
      throw new ReltoError(
        'CONFLICT',
        `the held ${object.id} is no longer what its originator signed: it cannot be relayed`,
      );
    }
    return record;
  }

  // ---- consent (R15–R17, R34)

  async requestConsent(
    actor: Person,
    body: { item: string; to?: string; purpose?: string; actions?: string[] },
  ): Promise<{ id: string; status: string; request: ConsentRequest }> {
    const me = await this.me(actor);
    checkConsentFiling(this.ctx.registry, this.party, body);
    const { stored, label, labelId } = await this.heldItem(body.item);
    const read = deciderAnswer(this.ctx, me, labelId, 'read', stored.id);
    if (read?.decision !== 'permit') throw new ReltoError('NOT_FOUND', `no item ${body.item}`);
    if (label.originator === this.party) {
      throw new ReltoError('CONFLICT', 'this node is the originator: consent is asked of the originator');
    }
    if (!(await this.partner(label.originator))) throw notAPartner(label.originator);
    const at = nowIso(this.ctx);
    const scope = body.to
      ? { to: body.to }
      : body.purpose
        ? { purpose: body.purpose, holder: this.party }
        : { actions: body.actions as ('copy' | 'translate' | 'print' | 'export')[], holder: this.party };
    const request = {
      type: 'relto-consent-request',
      id: `consent-request--${randomUUID()}`,
      item: stored.id,
      by: this.party,
      at,
      ...scope,
      note: `asked by ${me.name}`,
    } as ConsentRequest;
    const [record] = this.signOwn([request]);
    const message = this.newMessage('consent-request', label.originator, [toItem(record!)]);
    const queued = await this.outboxRow(message);
    await this.ctx.audit.appendWithin(async (tx) => {
      await tx.putExchange({
        kind: ROWS.consentRequestOut,
        key: request.id,
        ref: stored.id,
        partner: label.originator,
        status: 'pending',
        body: { request, askedBy: me.name },
      });
      await this.enqueue(tx, queued);
      return {
        result: undefined,
        entries: [
          {
            kind: 'consent',
            at,
            actor: me.name,
            action: 'request',
            subjects: [stored.id, request.id],
            details: { to: label.originator, message: message.id, ...scope },
          },
        ],
      };
    });
    this.onQueued(label.originator);
    return { id: request.id, status: 'pending', request };
  }

  async listConsentRequests(actor: Person): Promise<{ incoming: unknown[]; outgoing: unknown[] }> {
    await this.me(actor);
    const rows = async (kind: string) =>
      (await this.store.listExchange({ kind })).map((r) => ({ status: r.status, ...(r.body as object) }));
    return { incoming: await rows(ROWS.consentRequestIn), outgoing: await rows(ROWS.consentRequestOut) };
  }

  /** The originator's answer (R34: a releasing officer, never for a request they asked). */
  async answerConsent(
    actor: Person,
    requestId: string,
    refuse: boolean,
  ): Promise<{ id: string; status: string; answer: ConsentAnswer }> {
    const me = await this.me(actor);
    if (!me.roles.includes('releasing-officer')) {
      throw new ReltoError('FORBIDDEN', 'only a releasing officer answers a consent request', '', {
        reasons: ['ROLE_REQUIRED'],
      });
    }
    const row = await this.store.getExchange(ROWS.consentRequestIn, requestId);
    if (!row) throw new ReltoError('NOT_FOUND', `no consent request ${requestId}`);
    if (row.status !== 'pending')
      throw new ReltoError('ALREADY_DECIDED', `consent request ${requestId} was already ${row.status}`);
    const { request, askedBy } = row.body as { request: ConsentRequest; askedBy?: string };
    if (request.by === this.party && askedBy === me.name) {
      throw new ReltoError(
        'FOUR_EYES',
        `${me.name} asked for ${requestId} and may not grant it: another releasing officer must`,
      );
    }
    const at = nowIso(this.ctx);
    const scope: Record<string, unknown> =
      'to' in request
        ? { to: request.to }
        : 'purpose' in request
          ? { purpose: request.purpose }
          : { actions: request.actions };
    const answer: ConsentAnswer = refuse
      ? { type: 'relto-consent-refusal', request: request.id, item: request.item, by: this.party, at }
      : ({
          type: 'relto-consent',
          ref: `consent--${randomUUID()}`,
          item: request.item,
          by: this.party,
          at,
          request: request.id,
          ...scope,
          ...(request.holder ? { holder: request.holder } : {}),
        } as ConsentRecord);
    const [record] = this.signOwn([answer]);
    const message = this.newMessage('consent', request.by, [toItem(record!)]);
    const status = refuse ? 'refused' : 'granted';
    const queued = await this.outboxRow(message);
    await this.ctx.audit.appendWithin(async (tx) => {
      await tx.updateExchange(ROWS.consentRequestIn, requestId, { status });
      if (!refuse) {
        await tx.putExchange({
          kind: ROWS.consent,
          key: (answer as ConsentRecord).ref,
          ref: request.item,
          status: 'held',
          body: { record: record!, consent: answer as ConsentRecord } satisfies ConsentRow,
        });
      }
      await this.enqueue(tx, queued);
      return {
        result: undefined,
        entries: [
          {
            kind: 'consent',
            at,
            actor: me.name,
            action: refuse ? 'refuse' : 'grant',
            subjects: [request.item, request.id],
            details: { to: request.by, message: message.id, ...scope },
          },
        ],
      };
    });
    if (!refuse) this.ctx.consents?.add(request.item, answer as ConsentRecord);
    this.onQueued(request.by);
    return { id: requestId, status, answer };
  }

  // ---- notices (R8, R28, R29)

  /** Queues an audit head for a partner, with the consistency proof from the head last sent to it (R29). */
  async queueAuditHead(partnerParty: string): Promise<void> {
    const head = await this.ctx.audit.head();
    const sent = await this.store.getExchange(ROWS.headSent, partnerParty);
    const fromSize = (sent?.body as { treeSize?: number } | undefined)?.treeSize;
    if (fromSize === head.treeSize) return;
    let consistency: AuditHead['consistency'];
    if (fromSize !== undefined && fromSize > 0 && fromSize < head.treeSize) {
      const { proof } = await this.ctx.audit.consistencyProof(fromSize, head.treeSize);
      consistency = { fromSize, proof };
    }
    const record: AuditHead = {
      type: 'relto-audit-head',
      origin: this.party,
      treeSize: head.treeSize,
      rootHash: head.rootHash,
      timestamp: head.timestamp,
      signature: head.signature,
      ...(consistency ? { consistency } : {}),
    };
    const [signed] = this.signOwn([record]);
    const message = this.newMessage('audit-head', partnerParty, [toItem(signed!)]);
    const queued = await this.outboxRow(message);
    await this.store.transaction(async (tx) => {
      await this.enqueue(tx, queued);
      if (sent) await tx.updateExchange(ROWS.headSent, partnerParty, { body: { treeSize: head.treeSize } });
      else
        await tx.putExchange({
          kind: ROWS.headSent,
          key: partnerParty,
          status: 'sent',
          body: { treeSize: head.treeSize },
        });
    });
    this.onQueued(partnerParty);
  }

  /** R8: the originator's new label for an item, sent to every partner it was released to. */
  async notifyReclassification(itemId: string, label: Label): Promise<string[]> {
    const released = await this.store.listExchange({ kind: ROWS.released, ref: itemId });
    const holders = [...new Set(released.map((r) => r.partner!).filter(Boolean))];
    const at = nowIso(this.ctx);
    for (const holder of holders) {
      const notice: ReclassificationNotice = {
        type: 'relto-reclassification',
        id: `reclassification--${randomUUID()}`,
        item: itemId,
        by: this.party,
        at,
        label,
      };
      const [signed] = this.signOwn([notice]);
      const message = this.newMessage('reclassification', holder, [toItem(signed!)]);
      const queued = await this.outboxRow(message);
      await this.store.transaction((tx) => this.enqueue(tx, queued));
      this.onQueued(holder);
    }
    return holders;
  }

  /** R28: compromise reports of foreign items this node has not yet sent to their originator. */
  async forwardCompromises(): Promise<number> {
    let n = 0;
    for (const report of await this.store.listCompromises()) {
      if (report.originator === this.party) continue;
      if (!(await this.partner(report.originator))) continue;
      const key = `${report.id}|${report.status}`;
      if (await this.store.getExchange(ROWS.compromiseSent, key)) continue;
      const objects = report.items.map((item) => ({
        type: 'relto-compromise-report' as const,
        id: `${report.id}|${item}`,
        item,
        by: this.party,
        at: report.updatedAt,
        status: compromiseWireStatus(report.status),
        description: report.description || 'loss or compromise reported',
        ...(report.findings ? { findings: report.findings } : {}),
        ...(report.measures ? { measures: report.measures } : {}),
      }));
      const message = this.newMessage(
        'compromise-report',
        report.originator,
        this.signOwn(objects).map((r) => toItem(r)),
      );
      const queued = await this.outboxRow(message);
      await this.store.transaction(async (tx) => {
        await tx.putExchange({
          kind: ROWS.compromiseSent,
          key,
          status: 'queued',
          body: { message: message.id },
        });
        await this.enqueue(tx, queued);
      });
      this.onQueued(report.originator);
      n++;
    }
    return n;
  }

  /** Alarms and their clearing: see alarms.ts. */
  alarms = (actor: Person, filter?: { status?: AlarmView['status'] }) => listAlarms(this.ctx, actor, filter);
  clearAlarm = (actor: Person, id: string, note: string) => clearAlarm(this.ctx, actor, id, note);

  async compromisesReceived(actor: Person): Promise<unknown[]> {
    const me = await this.me(actor);
    if (!me.roles.includes('security-officer') && !me.roles.includes('admin')) {
      throw new ReltoError('FORBIDDEN', 'compromise reports are read by security officers');
    }
    return (await this.store.listExchange({ kind: ROWS.compromiseIn })).map((r) => r.body);
  }

  // ---- the inbox

  private refusalAnswer(code: ErrorCode, message: string): InboxAnswer {
    const status = errorCodes[code]?.status ?? 400;
    return {
      status,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code, message, path: '' } }),
    };
  }

  private async auditRefusal(code: string, message: string, details: Record<string, unknown>): Promise<void> {
    await this.ctx.audit.append({
      kind: 'refusal',
      at: nowIso(this.ctx),
      actor: `node:${String(details.sender ?? 'unknown')}`,
      action: 'receive',
      decision: 'deny',
      reasons: [code],
      details: { message, ...details },
    });
  }

  private receiptAnswer(receipt: Receipt, to: string): InboxAnswer {
    const [signed] = this.signOwn([receipt]);
    const partner = this.partners.get(to)!;
    const message: Message = {
      ...this.newMessage('receipt', to, [toItem(signed!)]),
      id: `receipt--${receipt.message}`,
    };
    const body = buildMessage(
      message,
      { party: this.party, key: this.identity.signing.privateJwk as ExchangeKey },
      { party: to, key: partner.identity.encryptionKey as ExchangeKey },
    );
    return { status: 200, contentType: 'application/jose', body };
  }

  /**
   * `POST /exchange/v1/inbox`: `peer` is the party the TLS client certificate names. A refused message is
   * audited and answered with its error; nothing of it is stored. A replay of a stored message (a retry whose
   * receipt was lost) is audited as a replay and answered with the stored receipt.
   */
  async receive(jwe: string, peer: string | undefined): Promise<InboxAnswer> {
    // Partners as read at most 2 s ago (re-read for a peer not among them): reading and parsing every
    // partner's identity per message was a tenth of what a small message cost.
    if (!peer || !(await this.partner(peer))) await this.loadPartners();
    if (!peer || !this.partners.has(peer)) {
      await this.auditRefusal('UNKNOWN_SENDER', `TLS peer ${peer ?? 'without a party'} is not a partner`, {
        sender: peer ?? null,
      });
      return this.refusalAnswer('UNKNOWN_SENDER', 'the TLS peer is not a partner');
    }
    const opened = await openMessage(jwe, {
      self: { party: this.party, decryptionKey: this.identity.encryption.privateJwk as ExchangeKey },
      senders: (p) => (p === this.party ? undefined : this.signingKeyOf(p)),
      seen: async (id) => (await this.store.getExchange(ROWS.inbox, id)) !== null,
      now: this.ctx.clock(),
    });
    if (!opened.ok) {
      await this.auditRefusal(opened.code, opened.message, {
        sender: opened.sender ?? peer,
        message: opened.id ?? null,
        peer,
      });
      if (opened.code === 'REPLAY' && opened.id && opened.sender === peer) {
        const held = await this.store.getExchange(ROWS.inbox, opened.id);
        const receipt = (held?.body as { receipt?: Receipt } | undefined)?.receipt;
        if (held && held.partner === peer && receipt) return this.receiptAnswer(receipt, peer);
      }
      return this.refusalAnswer(opened.code, opened.message);
    }
    const message = opened.message;
    if (message.sender !== peer) {
      const text = `TLS peer ${peer} sent a message signed by ${message.sender}`;
      await this.auditRefusal('BAD_SIGNATURE', text, { sender: message.sender, peer, message: message.id });
      return this.refusalAnswer('BAD_SIGNATURE', text);
    }
    const results = checkItems(message, { originators: this.signingKeyOf });
    switch (message.kind) {
      case 'release':
        return this.receiveRelease(message, results as never);
      case 'receipt':
        return this.refusalAnswer('MALFORMED_REQUEST', 'receipts are answers, not inbox messages');
      default:
        return this.receiveNotice(message, results as never);
    }
  }

  /** Receipt of released items: every check, then one transaction storing what passed (R6, R14, R21, R25). */
  private async receiveRelease(
    message: Message,
    results: (
      | VerifiedItem<'release'>
      | { index: number; status: 'refused'; code: string; message: string; path: string }
    )[],
  ): Promise<InboxAnswer> {
    const at = nowIso(this.ctx);
    const reg = this.ctx.registry;
    const markings = new Map<string, { record: SignedRecord; label: Label; definition: StixObject }>();
    const receiptItems: Receipt['items'] = [];
    const refusals: AuditEntryInput[] = [];
    const refuse = (id: string, version: string, code: string, text: string) => {
      receiptItems.push({ id, version, status: 'refused', code });
      refusals.push({
        kind: 'refusal',
        at,
        actor: `node:${message.sender}`,
        action: 'receive',
        decision: 'deny',
        subjects: [id],
        reasons: [code],
        details: { message: message.id, reason: text },
      });
    };
    const verified: VerifiedItem<'release'>[] = [];
    for (const r of results) {
      const obj = message.items[r.index]!.object as StixObject;
      if (r.status === 'refused') {
        refuse(String(obj.id ?? `/items/${r.index}`), versionOf(obj), r.code, r.message);
        continue;
      }
      verified.push(r);
      if (obj.type === 'marking-definition') {
        if (!isReltoMarking(obj) || isAlternativeMarking(obj)) {
          refuse(obj.id, versionOf(obj), 'INVALID_LABEL', 'only relto labels travel between nodes');
          continue;
        }
        try {
          const label = markingToLabel(obj);
          const problems = validateLabel(reg, label);
          if (problems.length > 0) throw new Error(`${problems[0]!.path}: ${problems[0]!.message}`);
          markings.set(obj.id, { record: r.item, label, definition: obj });
        } catch (e) {
          refuse(obj.id, versionOf(obj), 'INVALID_LABEL', (e as Error).message);
        }
      }
    }
    type Accepted = {
      /** The item's place in the message. */
      index: number;
      object: StixObject;
      record: SignedRecord;
      consents: { record: SignedRecord; consent: ConsentRecord }[];
      labelId: string;
      label: Label;
      alternative: StixObject | null;
      agreement: string | null;
    };
    const accepted: Accepted[] = [];
    const usedMarkings = new Set<string>();
    const heldConsents: [string, ConsentRecord][] = [];
    const senderViews = new Map<string, Answer>();
    const alternatives = new Map<string, AlternativeResult>();
    for (const v of verified) {
      const obj = v.object as StixObject;
      if (obj.type === 'marking-definition') continue;
      const version = versionOf(obj);
      const issues = this.ctx.validator.validateObject(obj);
      if (issues.length > 0) {
        refuse(obj.id, version, 'INVALID_STIX', issues.map((x) => `${x.pointer} ${x.message}`).join('; '));
        continue;
      }
      const refs = (obj.object_marking_refs as string[] | undefined) ?? [];
      const floors = refs.filter((id) => markings.has(id));
      if (floors.length !== 1 || (obj.granular_markings as unknown[] | undefined)?.length) {
        refuse(
          obj.id,
          version,
          'INVALID_LABEL',
          'exactly one relto label, carried in the message, must mark it',
        );
        continue;
      }
      const labelId = floors[0]!;
      const { label } = markings.get(labelId)!;
      const consents = v.consents.map((c, j) => ({
        record: message.items[v.index]!.consents[j]!,
        consent: c,
      }));
      const withConsents: Label = consents.length
        ? {
            ...label,
            consents: [...(label.consents ?? []), ...consents.map((c) => toLabelConsent(c.consent))],
          }
        : label;
      // The receiving side decides too: would the sender have been permitted this release on its date (R14,
      // R15, R21, R24)? Items without consents of one label share the answer (the same request to decide).
      let senderView = consents.length ? undefined : senderViews.get(labelId);
      if (!senderView) {
        senderView = senderDecision(this.ctx, message, withConsents);
        if (!consents.length) senderViews.set(labelId, senderView);
      }
      if (senderView.decision !== 'permit') {
        const codes = senderView.reasons.map((x) => x.code);
        refuse(
          obj.id,
          version,
          codes[0] ?? 'FORBIDDEN',
          `the agreement does not allow this transfer: ${codes.join(', ')}`,
        );
        continue;
      }
      // R6: one receiver-equivalent label per originator label of the message.
      let alt = alternatives.get(labelId);
      if (!alt) {
        alt = receiverAlternative(reg, label, this.party, message.under);
        alternatives.set(labelId, alt);
      }
      if (!alt.ok) {
        refuse(obj.id, version, alt.reason, alt.message);
        continue;
      }
      accepted.push({
        index: v.index,
        object: obj,
        record: v.item,
        consents,
        labelId,
        label,
        alternative: (alt.marking as unknown as StixObject) ?? null,
        agreement:
          alt.equivalent && 'agreement' in alt.equivalent ? (alt.equivalent.agreement ?? null) : null,
      });
      usedMarkings.add(labelId);
    }
    const receipt = await this.ctx.audit.appendWithin(async (tx) => {
      const defs = [...usedMarkings].map((id) => ({
        definition: markings.get(id)!.definition,
        kind: 'relto-label',
        alternativeOf: null,
      }));
      const alts = accepted
        .filter((a) => a.alternative)
        .map((a) => ({ definition: a.alternative!, kind: 'alternative', alternativeOf: a.labelId }));
      const uniqueAlts = [...new Map(alts.map((a) => [a.definition.id, a])).values()];
      await tx.putMarkingDefinitions([...defs, ...uniqueAlts]);
      const isRelto = (id: string) => markings.has(id);
      const results = await tx.putObjects(
        accepted.map((a) => {
          const scheme = reg.parties.get(a.label.originator)!;
          return {
            object: a.object,
            floor: a.labelId,
            originator: a.label.originator,
            levelRank: scheme.levels.get(a.label.classification)?.rank ?? null,
            tier:
              reg.tierOf(
                a.label.originator,
                a.label.classification,
                a.label.restrictive?.Designation ?? [],
              ) ?? null,
            topics: a.label.topics ?? [],
            index: textScopes(a.object, isRelto).map((s) => ({
              markingId: s.markingIds[s.markingIds.length - 1]!,
              text: s.text,
            })),
          };
        }),
      );
      const entries: AuditEntryInput[] = [...refusals];
      const rows: ExchangeRowInput[] = [...usedMarkings].map((id) => ({
        kind: ROWS.signed,
        key: id,
        ref: id,
        status: 'held',
        body: { record: markings.get(id)!.record } satisfies SignedRow,
      }));
      const custody: CustodyInput[] = [];
      const proofs: SignedMessageRow = { jws: [], items: [] };
      const jwsIndex = new Map<string, number>();
      for (let i = 0; i < accepted.length; i++) {
        const a = accepted[i]!;
        const r = results[i]!;
        if (r.status === 'destroyed') {
          receiptItems.push({ id: r.id, version: r.version, status: 'refused', code: 'CONFLICT' });
          continue;
        }
        receiptItems.push({
          id: r.id,
          version: versionOf(a.object),
          status: r.status === 'added' ? 'stored' : 'duplicate',
        });
        if (r.status !== 'added') continue;
        let jws = jwsIndex.get(a.record.originatorJws);
        if (jws === undefined) {
          jws = proofs.jws.push(a.record.originatorJws) - 1;
          jwsIndex.set(a.record.originatorJws, jws);
        }
        proofs.items.push({
          id: a.object.id,
          version: versionOf(a.object),
          proof: a.record.proof,
          leafIndex: a.record.leafIndex,
          treeSize: a.record.treeSize,
          jws,
        });
        for (const c of a.consents) {
          rows.push({
            kind: ROWS.consent,
            key: c.consent.ref,
            ref: a.object.id,
            status: 'held',
            body: { record: c.record, consent: c.consent } satisfies ConsentRow,
          });
          heldConsents.push([a.object.id, c.consent]);
        }
        custody.push({
          itemId: a.object.id,
          kind: 'receipt',
          by: `node:${message.sender}`,
          at,
          details: {
            message: message.id,
            from: message.sender,
            under: message.under,
            originator: a.label.originator,
          },
        });
      }
      const receipt: Receipt = {
        type: 'relto-receipt',
        by: this.party,
        at,
        message: message.id,
        items: receiptItems.length
          ? receiptItems
          : [{ id: message.id, version: message.time, status: 'refused', code: 'MALFORMED_REQUEST' }],
      };
      if (proofs.items.length > 0) {
        rows.push({ kind: ROWS.signedMessage, key: message.id, status: 'held', body: proofs });
      }
      rows.push({
        kind: ROWS.inbox,
        key: message.id,
        partner: message.sender,
        status: 'received',
        body: { kind: message.kind, receipt },
      });
      // The message's signed records, consents, its receipt and the custody receipts: two statements, not
      // three per item.
      await tx.putExchangeRows(rows);
      await tx.addCustodyRecords(custody);
      entries.push({
        kind: 'receipt',
        at,
        actor: `node:${message.sender}`,
        action: 'receive',
        subjects: accepted.map((a) => a.object.id).slice(0, 1000),
        details: {
          message: message.id,
          under: message.under,
          decision: message.decision,
          stored: receiptItems.filter((x) => x.status === 'stored').length,
          duplicate: receiptItems.filter((x) => x.status === 'duplicate').length,
          refused: receiptItems.filter((x) => x.status === 'refused').length,
        },
      });
      return { result: receipt, entries };
    });
    // R15–R17: the consents that travelled with the items join their decisions once committed.
    for (const [itemId, c] of heldConsents) this.ctx.consents?.add(itemId, c);
    for (const id of usedMarkings)
      this.ctx.book.add(knownMarking(markings.get(id)!.definition, 'relto-label'));
    for (const alt of alternatives.values())
      if (alt.ok && alt.marking)
        this.ctx.book.add(knownMarking(alt.marking as unknown as StixObject, 'alternative'));
    return this.receiptAnswer(receipt, message.sender);
  }

  /** Consent requests and answers, compromise reports, reclassification notices and audit heads. */
  private async receiveNotice(
    message: Message,
    results: (
      | VerifiedItem
      | { index: number; status: 'refused'; code: string; message: string; path: string }
    )[],
  ): Promise<InboxAnswer> {
    const at = nowIso(this.ctx);
    const receiptItems: Receipt['items'] = [];
    const entries: AuditEntryInput[] = [];
    const after: (() => Promise<void>)[] = [];
    const receipt = await this.ctx.audit.appendWithin(async (tx) => {
      for (const r of results) {
        const obj = message.items[r.index]!.object as Record<string, unknown>;
        const id = String(obj.id ?? obj.ref ?? obj.request ?? `${message.id}/${r.index}`);
        if (r.status === 'refused') {
          receiptItems.push({ id, version: String(obj.at ?? at), status: 'refused', code: r.code });
          entries.push({
            kind: 'refusal',
            at,
            actor: `node:${message.sender}`,
            action: 'receive',
            decision: 'deny',
            subjects: [id],
            reasons: [r.code],
            details: { message: message.id, kind: message.kind, reason: r.message },
          });
          continue;
        }
        const outcome = await this.applyNotice(tx, message, r, at, entries, after);
        receiptItems.push({
          id,
          version: String(obj.at ?? obj.timestamp ?? at),
          status: outcome.status,
          ...(outcome.code ? { code: outcome.code } : {}),
        });
      }
      const receipt: Receipt = {
        type: 'relto-receipt',
        by: this.party,
        at,
        message: message.id,
        items: receiptItems,
      };
      await tx.putExchange({
        kind: ROWS.inbox,
        key: message.id,
        partner: message.sender,
        status: 'received',
        body: { kind: message.kind, receipt },
      });
      return { result: receipt, entries };
    });
    for (const f of after) await f();
    return this.receiptAnswer(receipt, message.sender);
  }

  private async applyNotice(
    tx: Store,
    message: Message,
    v: VerifiedItem,
    at: string,
    entries: AuditEntryInput[],
    after: (() => Promise<void>)[],
  ): Promise<{ status: 'stored' | 'duplicate' | 'refused'; code?: string }> {
    const actor = `node:${message.sender}`;
    const item = message.items[v.index]!;
    switch (message.kind) {
      case 'consent-request': {
        const request = v.object as ConsentRequest;
        const put = await tx.putExchange({
          kind: ROWS.consentRequestIn,
          key: request.id,
          ref: request.item,
          partner: message.sender,
          status: 'pending',
          body: { request },
        });
        entries.push({
          kind: 'consent',
          at,
          actor,
          action: 'requested',
          subjects: [request.item, request.id],
          details: { message: message.id },
        });
        return { status: put.added ? 'stored' : 'duplicate' };
      }
      case 'consent': {
        const answer = v.object as ConsentAnswer;
        const requestId = answer.type === 'relto-consent' ? answer.request : answer.request;
        if (answer.type === 'relto-consent') {
          await tx.putExchange({
            kind: ROWS.consent,
            key: answer.ref,
            ref: answer.item,
            status: 'held',
            body: { record: toSigned(item), consent: answer } satisfies ConsentRow,
          });
          // R15–R17: the consent joins the item's decisions once the notice is committed.
          after.push(async () => this.ctx.consents?.add(answer.item, answer));
        }
        if (requestId) {
          await tx.updateExchange(ROWS.consentRequestOut, requestId, {
            status: answer.type === 'relto-consent' ? 'granted' : 'refused',
          });
        }
        entries.push({
          kind: 'consent',
          at,
          actor,
          action: answer.type === 'relto-consent' ? 'granted' : 'refused',
          subjects: [answer.item, ...(requestId ? [requestId] : [])],
          details: { message: message.id },
        });
        return { status: 'stored' };
      }
      case 'compromise-report': {
        const report = v.object as { id: string; item: string; status: string };
        const key = `${report.id}|${report.status}`;
        const put = await tx.putExchange({
          kind: ROWS.compromiseIn,
          key,
          ref: report.item,
          partner: message.sender,
          status: report.status,
          body: { ...report, from: message.sender, receivedAt: at },
        });
        entries.push({
          kind: 'compromise',
          at,
          actor,
          action: 'reported',
          subjects: [report.item, report.id],
          details: { message: message.id, status: report.status },
        });
        return { status: put.added ? 'stored' : 'duplicate' };
      }
      case 'reclassification': {
        const notice = v.object as ReclassificationNotice;
        const held = await tx.getItem(notice.item);
        if (!held || held.destroyedAt) return { status: 'refused', code: 'NOT_FOUND' };
        entries.push({
          kind: 'reclassification',
          at,
          actor,
          action: 'notice',
          subjects: [notice.item, notice.id],
          details: { message: message.id },
        });
        // Re-marking runs after the notice is recorded (custody's reclassify has its own transaction, R8).
        after.push(() => this.applyReclassification(notice));
        return { status: 'stored' };
      }
      case 'audit-head': {
        const record = v.object as AuditHead;
        const heldRow = await tx.getExchange(ROWS.partnerHead, record.origin);
        const held = heldRow?.body as AuditHead | undefined;
        const key = this.signingKeyOf(record.origin);
        const check = checkAuditHead(
          record,
          held ? ({ ...held, origin: held.origin } as never) : undefined,
          key!,
        );
        if (!check.ok) {
          await tx.putExchange({
            kind: ROWS.alarm,
            key: randomUUID(),
            partner: record.origin,
            status: 'raised',
            body: {
              alarm: check.alarm,
              message: check.message,
              party: record.origin,
              at,
              head: { treeSize: record.treeSize, rootHash: record.rootHash },
            },
          });
          entries.push({
            kind: 'head',
            at,
            actor,
            action: 'alarm',
            decision: 'deny',
            reasons: [check.alarm],
            details: { message: check.message, treeSize: record.treeSize },
          });
          return { status: 'refused', code: check.alarm };
        }
        const { consistency: _c, ...plain } = record;
        if (heldRow) await tx.updateExchange(ROWS.partnerHead, record.origin, { body: plain });
        else
          await tx.putExchange({
            kind: ROWS.partnerHead,
            key: record.origin,
            partner: record.origin,
            status: 'held',
            body: plain,
          });
        entries.push({
          kind: 'head',
          at,
          actor,
          action: 'accepted',
          details: { treeSize: record.treeSize, rootHash: record.rootHash },
        });
        return { status: 'stored' };
      }
      default:
        return { status: 'refused', code: 'MALFORMED_REQUEST' };
    }
  }

  /**
   * R8: re-marks every held version of an item with the originator's new label, and makes this node's
   * receiver-equivalent label for it (R6) under the agreement it was received under.
   */
  async applyReclassification(notice: ReclassificationNotice): Promise<void> {
    const ctx = this.ctx;
    const stored = await this.store.getObject(notice.item);
    if (!stored?.floor) return;
    await ctx.book.load([stored.floor]);
    const oldLabel = ctx.book.label(stored.floor);
    if (!oldLabel || oldLabel.originator !== notice.by) return;
    const receivedUnder = ctx.book.receivedUnder(stored.floor);
    const marking = labelToMarking(notice.label) as unknown as StixObject;
    const newId = marking.id;
    if (newId === stored.floor) return;
    const alt = receiverAlternative(ctx.registry, notice.label, this.party, receivedUnder ?? null);
    const altMarking = alt.ok && alt.marking ? (alt.marking as unknown as StixObject) : null;
    const scheme = ctx.registry.parties.get(notice.label.originator)!;
    const at = nowIso(ctx);
    await ctx.audit.appendWithin(async (tx) => {
      await tx.putMarkingDefinitions([
        { definition: marking, kind: 'relto-label', alternativeOf: null },
        ...(altMarking ? [{ definition: altMarking, kind: 'alternative', alternativeOf: newId }] : []),
      ]);
      const changed = await tx.replaceMarking(notice.item, stored.floor!, newId, {
        originator: notice.label.originator,
        levelRank: scheme.levels.get(notice.label.classification)?.rank ?? null,
        tier:
          ctx.registry.tierOf(
            notice.label.originator,
            notice.label.classification,
            notice.label.restrictive?.Designation ?? [],
          ) ?? null,
        topics: notice.label.topics ?? [],
      });
      await tx.addCustody({
        itemId: notice.item,
        kind: 'reclassification',
        by: `node:${notice.by}`,
        at,
        details: { from: stored.floor, to: newId, versions: changed, notice: notice.id },
      });
      return {
        result: undefined,
        entries: [
          {
            kind: 'reclassification',
            at,
            actor: `node:${notice.by}`,
            subjects: [notice.item, notice.id],
            details: { from: stored.floor, to: newId, versions: changed },
          },
        ],
      };
    });
    ctx.book.add(knownMarking(marking, 'relto-label'));
    if (altMarking) ctx.book.add(knownMarking(altMarking, 'alternative'));
  }

  /** Pending outbox rows of a partner, oldest first (after `afterSeq`, when given). */
  pending(partner: string, limit = 100, afterSeq?: number): Promise<ExchangeRow[]> {
    return this.store.listExchange({
      kind: ROWS.outbox,
      partner,
      status: 'pending',
      limit,
      ...(afterSeq === undefined ? {} : { afterSeq }),
    });
  }
}

/** One turn of the event loop (I/O callbacks run before the caller goes on). */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function toSigned(item: Item): SignedRecord {
  return {
    object: item.object,
    proof: item.proof,
    leafIndex: item.leafIndex,
    treeSize: item.treeSize,
    originatorJws: item.originatorJws,
  };
}

function compromiseWireStatus(s: string): 'reported' | 'under-investigation' | 'findings' | 'closed' {
  if (s === 'investigating') return 'under-investigation';
  if (s === 'findings-sent') return 'findings';
  if (s === 'closed') return 'closed';
  return 'reported';
}

/** The person's decision on one item, its held consents joined (R15–R17), as every read path decides. */
function deciderAnswer(
  ctx: NodeContext,
  me: Person,
  labelId: string,
  action: 'read',
  itemId: string,
): Answer | undefined {
  return deciderFor(ctx, me).answer(labelId, action, itemId);
}

/**
 * The sender's release as the receiving node can check it (R14, R15, R21, R24): the sending node acting as a
 * releasing officer cleared for everything, on the message's date, under the message's agreement.
 */
function senderDecision(ctx: NodeContext, message: Message, label: Label): Answer {
  const reg = ctx.registry;
  const scheme = reg.parties.get(message.sender);
  const top = scheme ? [...scheme.levels.values()].sort((a, b) => b.rank - a.rank)[0]!.id : 'U';
  const { Designation, ...restrictive } = label.restrictive ?? {};
  return decide(reg, {
    at: message.time,
    principal: {
      id: `node:${message.sender}`,
      party: message.sender,
      clearance: top,
      designations: message.sender === 'JPN' ? (Designation ?? []) : [],
      restrictive,
      roles: ['releasing-officer'],
      official: true,
      contractor: false,
    },
    action: 'release',
    item: { label, holder: message.sender },
    release: { to: ctx.party, ...(message.under ? { under: message.under } : {}) },
  });
}
