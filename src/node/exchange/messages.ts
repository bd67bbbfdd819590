import { randomUUID } from 'node:crypto';
import type { CanonicalForms } from '../../canon/index.js';
import {
  type ExchangeKey,
  type Item,
  type Message,
  type MessageKind,
  type SignedRecord,
  signBatch,
} from '../../exchange/index.js';
import type { NodeIdentity } from '../../identity/index.js';
import type { StixObject } from '../../store/index.js';
import { type NodeContext, nowIso } from '../context.js';

/** What every stage that writes messages shares: this node signing its own records and addressing messages. */

export const versionOf = (o: StixObject): string => String(o.modified ?? o.created ?? '');

export function toItem(r: SignedRecord, consents: SignedRecord[] = []): Item {
  return {
    object: r.object,
    proof: r.proof,
    leafIndex: r.leafIndex,
    treeSize: r.treeSize,
    originatorJws: r.originatorJws,
    consents,
  };
}

export function toSigned(item: Item): SignedRecord {
  return {
    object: item.object,
    proof: item.proof,
    leafIndex: item.leafIndex,
    treeSize: item.treeSize,
    originatorJws: item.originatorJws,
  };
}

/** One turn of the event loop (I/O callbacks run before the caller goes on). */
export function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** This node as the author of messages. */
export class Author {
  constructor(
    private readonly ctx: NodeContext,
    readonly identity: NodeIdentity,
  ) {}

  get party(): string {
    return this.ctx.party;
  }

  /** This node's signing key, as a sender and an originator. */
  get signer(): { party: string; key: ExchangeKey } {
    return { party: this.ctx.party, key: this.identity.signing.privateJwk as ExchangeKey };
  }

  /** Records this node originates, signed in one batch. */
  signOwn<T extends object>(objects: T[], forms?: CanonicalForms): SignedRecord[] {
    return signBatch(this.signer, objects, forms);
  }

  /** A new message from this node (a fresh id, now). */
  newMessage(kind: MessageKind, to: string, items: Item[], under: string | null = null): Message {
    return {
      sender: this.ctx.party,
      recipient: to,
      id: randomUUID(),
      time: nowIso(this.ctx),
      kind,
      under,
      decision: null,
      items,
    };
  }

  /** A message of one record this node signs now. */
  notice(kind: MessageKind, to: string, object: object): Message {
    const [signed] = this.signOwn([object]);
    return this.newMessage(kind, to, [toItem(signed!)]);
  }
}
