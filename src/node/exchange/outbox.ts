import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEntryInput } from '../../audit/index.js';
import type { CanonicalForms } from '../../canon/index.js';
import { ReltoError } from '../../errors/index.js';
import {
  buildMessage,
  checkItems,
  type ExchangeKey,
  type Item,
  type Message,
  openMessage,
  type Receipt,
} from '../../exchange/index.js';
import type { NodeIdentity } from '../../identity/index.js';
import type { StixObject, Store } from '../../store/index.js';
import { type NodeContext, nowIso } from '../context.js';
import { type Author, versionOf } from './messages.js';
import type { Partner, PartnerBook } from './partners.js';
import {
  type AnyRowInput,
  isQueued,
  listRows,
  type OutboxBody,
  ROWS,
  type Row,
  type RowInput,
  type SettledBody,
  updateRow,
} from './rows.js';

/**
 * The outbox (contracts §9): messages sealed for their partner when queued, in the same transaction as what
 * queued them (the transactional outbox), sent by the delivery worker in order and settled on the partner's
 * answer. A queued message's sealed bytes live in one place: its row (a node without an outbox folder), or
 * its file in the outbox folder — with the bytes this process sealed kept in memory as the file's copy, so
 * the worker does not read and hash the file again (hundreds of KB per batch). Settling removes both.
 */

/** How a message was answered for good: its partner's signed receipt, or its refusal. */
export type Outcome = { receipt: Receipt } | { refusal: { code: string; message?: string } };

/** What settling a message of a kind also writes (a release's request, delivered or refused). */
export type SettledHook = (
  tx: Store,
  answer: { message: string; partner: string; at: string } & Partial<{
    receipt: Receipt;
    refusal: { code: string; message?: string };
  }>,
) => Promise<AuditEntryInput[]>;

/** Work due before a delivery round sends (compromise reports, audit heads to queue). */
export type RoundDuty = (partners: Partner[], headsDue: boolean) => Promise<void>;

/** At most this many bytes of sealed messages are held in memory; the oldest go first (their files stay). */
const SEALED_BYTES = 64 * 1024 * 1024;

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What a settled outbox row keeps of its message: the envelope and the item ids (the receipt lists versions). */
function settledSummary(body: OutboxBody): SettledBody['message'] {
  return {
    ...body.envelope,
    items: body.items.map((i) =>
      'held' in i ? i.held.id : String(((i as Item).object as { id?: unknown }).id ?? ''),
    ),
  };
}

export class Outbox {
  /** Called when a message was queued for a partner (the delivery worker listens). */
  onQueued: (partner: string) => void = () => {};
  /** Settling a release also settles its request (see release-state.ts); set by the composition. */
  onSettled: Partial<Record<Message['kind'], SettledHook>> = {};
  /** Duties run before each delivery round; set by the composition. */
  readonly duties: RoundDuty[] = [];
  /** Messages this process sealed into files, by id, with the length and SHA-256 their row names. */
  private readonly sealed = new Map<string, { jwe: string; length: number; sha256: string }>();
  private sealedBytes = 0;

  constructor(
    private readonly ctx: NodeContext,
    private readonly author: Author,
    readonly partners: PartnerBook,
    /** Where sealed queued messages are kept (DIR/outbox); without it they are kept in their rows. */
    readonly dir?: string,
  ) {}

  get party(): string {
    return this.ctx.party;
  }

  get identity(): NodeIdentity {
    return this.author.identity;
  }

  /** The node's clock (ms). */
  now(): number {
    return this.ctx.clock();
  }

  private file(id: string): string | undefined {
    // Ids this node made are UUIDs; anything else stays in its row.
    return this.dir && /^[A-Za-z0-9-]{1,100}$/.test(id) ? join(this.dir, `${id}.jwe`) : undefined;
  }

  // ---- sealing and queueing

  /** Signs and encrypts a message as it is, to its recipient (a partner). */
  async seal(message: Message, forms?: CanonicalForms): Promise<string> {
    const partner = await this.partners.get(message.recipient);
    if (!partner) throw new ReltoError('CONFLICT', `${message.recipient} is not a partner of ${this.party}`);
    return buildMessage(
      message,
      this.author.signer,
      { party: partner.party, key: partner.identity.encryptionKey as ExchangeKey },
      forms,
    );
  }

  /** Signs and encrypts a message with a fresh time (same id): a message sealed anew for a retry. */
  sealForDelivery(message: Message): Promise<string> {
    return this.seal({ ...message, time: nowIso(this.ctx) });
  }

  /**
   * The outbox row of a message: sealed for its partner now (signed, encrypted), its held objects kept by
   * reference. Made before the transaction that queues it (the partner's key is read from the store).
   */
  async row(message: Message, forms?: CanonicalForms): Promise<RowInput<'outbox'> & { body: OutboxBody }> {
    const jwe = await this.seal(message, forms);
    const { items, ...envelope } = message;
    const heldObjects = message.kind === 'release';
    const path = this.file(message.id);
    let kept: Pick<OutboxBody, 'jwe' | 'file'> = { jwe };
    if (path) {
      const bytes = Buffer.from(jwe, 'ascii');
      // The folder is made when missing, not before every write (a recursive mkdir stats each part of it).
      await writeFile(path, bytes).catch(async (e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
        await mkdir(this.dir!, { recursive: true });
        await writeFile(path, bytes);
      });
      const file = { length: bytes.length, sha256: sha256Hex(bytes) };
      kept = { file };
      this.keep(message.id, jwe, file);
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

  /** Queues a sealed message inside `tx` (the transactional outbox), with rows written beside it. */
  async enqueue(tx: Store, row: RowInput<'outbox'>, beside: AnyRowInput[] = []): Promise<void> {
    // Not putExchange: it reads the row back, and a batch's message is hundreds of KB to parse for nothing.
    await tx.putExchangeRows([row, ...beside]);
  }

  /** Seals and queues a message on its own (a notice): its row in its own transaction, the worker woken. */
  async send(message: Message, beside: AnyRowInput[] = []): Promise<void> {
    const queued = await this.row(message);
    await this.ctx.store.transaction((tx) => this.enqueue(tx, queued, beside));
    this.onQueued(message.recipient);
  }

  /**
   * A queued message whole again (to seal it anew, or for tests): held objects read back from the store at the
   * version queued. An object destroyed since (R27) cannot travel any more and is left out.
   */
  async message(body: OutboxBody): Promise<Message> {
    const items: Item[] = [];
    for (const q of body.items) {
      if (!('held' in q)) {
        items.push(q);
        continue;
      }
      const stored = await this.ctx.store.getObject(q.held.id, q.held.version);
      if (!stored?.object) continue;
      const { held: _h, ...rest } = q;
      items.push({ ...rest, object: stored.object });
    }
    return { ...body.envelope, items };
  }

  /**
   * Seals a pending row anew with a fresh time (same id) and keeps it: its partner refuses a message older than
   * its window (24 h by default), so one queued long ago is re-signed before it is sent again.
   */
  async reseal(row: Row<'outbox'>): Promise<OutboxBody> {
    if (!isQueued(row.body)) throw new ReltoError('CONFLICT', `message ${row.key} is settled`);
    const message = await this.message(row.body);
    const next = (await this.row({ ...message, time: nowIso(this.ctx) })).body;
    await updateRow(this.ctx.store, ROWS.outbox, row.key, { body: next });
    return next;
  }

  // ---- the sealed bytes

  /** The sealed message of a pending row: from its row, or its file when that is whole; else undefined. */
  async jwe(body: OutboxBody): Promise<string | undefined> {
    if (body.jwe) return body.jwe;
    const held = this.sealed.get(body.envelope.id);
    if (held && body.file && held.length === body.file.length && held.sha256 === body.file.sha256)
      return held.jwe;
    const path = body.file ? this.file(body.envelope.id) : undefined;
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
  async drop(id: string): Promise<void> {
    this.forget(id);
    const path = this.file(id);
    if (!path) return;
    // unlink, not rm: rm stats the path first, a syscall per settled message for nothing.
    await unlink(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  private keep(id: string, jwe: string, file: { length: number; sha256: string }): void {
    this.forget(id);
    this.sealed.set(id, { jwe, ...file });
    this.sealedBytes += file.length;
    for (const [oldest, entry] of this.sealed) {
      if (this.sealedBytes <= SEALED_BYTES) break;
      this.sealed.delete(oldest);
      this.sealedBytes -= entry.length;
    }
  }

  private forget(id: string): void {
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
  async sweep(): Promise<number> {
    if (!this.dir) return 0;
    let removed = 0;
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0;
    }
    for (const name of names) {
      if (!name.endsWith('.jwe')) continue;
      const row = await this.ctx.store.getExchange(ROWS.outbox, name.slice(0, -4));
      if (row?.status === 'pending') continue;
      this.forget(name.slice(0, -4));
      await rm(join(this.dir, name), { force: true });
      removed++;
    }
    return removed;
  }

  // ---- delivery

  /** The partners to deliver to (read again now), once the round's duties have queued what is due. */
  async beforeRound(headsDue: boolean): Promise<Partner[]> {
    const partners = await this.partners.load();
    for (const duty of this.duties) await duty(partners, headsDue);
    return partners;
  }

  /** Pending rows of a partner, oldest first (after `afterSeq`, when given). */
  pending(partner: string, limit = 100, afterSeq?: number): Promise<Row<'outbox'>[]> {
    return listRows(this.ctx.store, {
      kind: ROWS.outbox,
      partner,
      status: 'pending',
      limit,
      ...(afterSeq === undefined ? {} : { afterSeq }),
    });
  }

  /** The partner's signed receipt for message `id` in its answer (a compact JWE), or undefined. */
  async receiptOf(partner: Partner, id: string, answer: string): Promise<Receipt | undefined> {
    const key = (p: string) =>
      p === partner.party ? (partner.identity.signingKey as ExchangeKey) : undefined;
    const opened = await openMessage(answer.trim(), {
      self: { party: this.party, decryptionKey: this.identity.encryption.privateJwk as ExchangeKey },
      senders: key,
      seen: () => false,
      now: this.ctx.clock(),
    });
    if (!opened.ok || opened.message.kind !== 'receipt') return undefined;
    const [item] = checkItems(opened.message, { originators: key });
    if (item?.status !== 'verified') return undefined;
    const receipt = item.object as Receipt;
    return receipt.message === id && receipt.by === partner.party ? receipt : undefined;
  }

  /**
   * Settles a message its partner answered for good: the row keeps the signed receipt (or the refusal) and
   * what the message was, not its items again — rewriting the whole message (hundreds of KB for a batch) per
   * receipt was the largest write of the sender — in one transaction with what its kind settles beside it
   * and the audit entries; then its sealed bytes go.
   */
  async settle(body: OutboxBody, partner: string, outcome: Outcome, at = nowIso(this.ctx)): Promise<void> {
    const message = body.envelope;
    const hook = this.onSettled[message.kind];
    await this.ctx.audit.appendWithin(async (tx) => {
      const summary = settledSummary(body);
      if ('receipt' in outcome) {
        const { receipt } = outcome;
        await updateRow(tx, ROWS.outbox, message.id, {
          status: 'delivered',
          body: { message: summary, receipt },
        });
        const settled = hook ? await hook(tx, { message: message.id, partner, at, receipt }) : [];
        return {
          result: undefined,
          entries: [
            ...settled,
            {
              kind: message.kind === 'release' ? 'release' : 'receipt',
              at,
              actor: `node:${partner}`,
              action: 'delivered',
              subjects: receipt.items.map((i) => i.id).slice(0, 1000),
              details: {
                message: message.id,
                kind: message.kind,
                stored: receipt.items.filter((i) => i.status === 'stored').length,
                duplicate: receipt.items.filter((i) => i.status === 'duplicate').length,
                refused: receipt.items.filter((i) => i.status === 'refused').map((i) => i.code),
              },
            },
          ],
        };
      }
      const { refusal } = outcome;
      await updateRow(tx, ROWS.outbox, message.id, {
        status: 'refused',
        body: { message: summary, refusal: refusal.code },
      });
      const settled = hook ? await hook(tx, { message: message.id, partner, at, refusal }) : [];
      return {
        result: undefined,
        entries: [
          ...settled,
          {
            kind: 'refusal',
            at,
            actor: `node:${partner}`,
            action: 'deliver',
            decision: 'deny',
            reasons: [refusal.code],
            details: { message: message.id, kind: message.kind },
          },
        ],
      };
    });
    await this.drop(message.id);
  }
}
