import { type ErrorCode, ReltoError } from '../../errors/index.js';
import {
  buildMessage,
  checkItems,
  type ExchangeKey,
  type Message,
  openMessage,
  type Receipt,
  type VerifiedItem,
} from '../../exchange/index.js';
import { type NodeContext, nowIso } from '../context.js';
import { type RefusedItem, receiveRelease } from './inbox-release.js';
import { type Author, toItem } from './messages.js';
import type { Notices } from './notices.js';
import type { PartnerBook } from './partners.js';
import { getRow, ROWS } from './rows.js';

/** What the inbox answers: an HTTP status and a body (a compact JWE receipt, or a JSON error). */
export interface InboxAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** A refusal as the exchange's edge answers it: the API's error JSON, `{error: {code, message, path}}`. */
export function errorAnswer(error: ReltoError): InboxAnswer {
  return { status: error.status, contentType: 'application/json', body: JSON.stringify(error.toJSON()) };
}

/**
 * The inbox (contracts §9, `POST /exchange/v1/inbox`): opens a message (sender's signature, this node's key,
 * replay, window), checks each item (originator signatures and proofs, R25), hands releases to their receipt
 * (inbox-release.ts) and notices to notices.ts, and answers with this node's signed receipt. A refused message
 * is audited and answered with its error; nothing of it is stored.
 */
export class Inbox {
  constructor(
    private readonly ctx: NodeContext,
    private readonly author: Author,
    readonly partners: PartnerBook,
    private readonly notices: Notices,
  ) {}

  private get party(): string {
    return this.ctx.party;
  }

  get identity() {
    return this.author.identity;
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

  private refusal(code: ErrorCode, message: string): InboxAnswer {
    return errorAnswer(new ReltoError(code, message));
  }

  private receiptAnswer(receipt: Receipt, to: string): InboxAnswer {
    const [signed] = this.author.signOwn([receipt]);
    const partner = this.partners.held(to)!;
    const message: Message = {
      ...this.author.newMessage('receipt', to, [toItem(signed!)]),
      id: `receipt--${receipt.message}`,
    };
    const body = buildMessage(message, this.author.signer, {
      party: to,
      key: partner.identity.encryptionKey as ExchangeKey,
    });
    return { status: 200, contentType: 'application/jose', body };
  }

  /**
   * `peer` is the party the TLS client certificate names. A replay of a stored message (a retry whose receipt
   * was lost) is audited as a replay and answered with the stored receipt.
   */
  async receive(jwe: string, peer: string | undefined): Promise<InboxAnswer> {
    // The partner book as read at most 2 s ago (read again for a peer not among them).
    if (!peer || !(await this.partners.get(peer))) await this.partners.load();
    if (!peer || !this.partners.held(peer)) {
      await this.auditRefusal('UNKNOWN_SENDER', `TLS peer ${peer ?? 'without a party'} is not a partner`, {
        sender: peer ?? null,
      });
      return this.refusal('UNKNOWN_SENDER', 'the TLS peer is not a partner');
    }
    const signingKeyOf = this.partners.signingKeyOf;
    const opened = await openMessage(jwe, {
      self: { party: this.party, decryptionKey: this.identity.encryption.privateJwk as ExchangeKey },
      senders: (p) => (p === this.party ? undefined : signingKeyOf(p)),
      seen: async (id) => (await this.ctx.store.getExchange(ROWS.inbox, id)) !== null,
      now: this.ctx.clock(),
    });
    if (!opened.ok) {
      await this.auditRefusal(opened.code, opened.message, {
        sender: opened.sender ?? peer,
        message: opened.id ?? null,
        peer,
      });
      if (opened.code === 'REPLAY' && opened.id && opened.sender === peer) {
        const held = await getRow(this.ctx.store, ROWS.inbox, opened.id);
        const receipt = held?.body.receipt;
        if (held && held.partner === peer && receipt) return this.receiptAnswer(receipt, peer);
      }
      return this.refusal(opened.code, opened.message);
    }
    const message = opened.message;
    if (message.sender !== peer) {
      const text = `TLS peer ${peer} sent a message signed by ${message.sender}`;
      await this.auditRefusal('BAD_SIGNATURE', text, { sender: message.sender, peer, message: message.id });
      return this.refusal('BAD_SIGNATURE', text);
    }
    const results = checkItems(message, { originators: signingKeyOf });
    switch (message.kind) {
      case 'release': {
        const receipt = await receiveRelease(
          this.ctx,
          message,
          results as (VerifiedItem<'release'> | RefusedItem)[],
        );
        return this.receiptAnswer(receipt, message.sender);
      }
      case 'receipt':
        return this.refusal('MALFORMED_REQUEST', 'receipts are answers, not inbox messages');
      default: {
        const receipt = await this.notices.receive(message, results);
        return this.receiptAnswer(receipt, message.sender);
      }
    }
  }
}
