import { MerkleTree } from '../audit/index.js';
import type { ErrorCode, ReasonCode } from '../errors/index.js';
import { type Checker, compileChecker } from '../identity/index.js';
import { type BatchHeader, batchHeader, objectLeafHash, recordRoot, verifyBatchSignature } from './batch.js';
import type { ExchangeKey } from './keys.js';
import {
  ConsentRecord,
  type Item,
  KIND_BODY,
  type KindBody,
  type Message,
  type MessageKind,
  makerOf,
  type SignedRecord,
} from './schema.js';

/**
 * The checks a receiving node makes after decryption (contracts §9): the envelope (recipient, time,
 * replay) and, item by item, the originator's signature (R25), who made each record, and the consents
 * that travel with an item (R15, R24). Items are judged one by one: a bad item never stops the others.
 */

/** Codes a whole message is refused with. */
export type MessageRefusalCode = Extract<
  ErrorCode,
  | 'BAD_ENCRYPTION'
  | 'BAD_SIGNATURE'
  | 'UNKNOWN_SENDER'
  | 'WRONG_RECIPIENT'
  | 'REPLAY'
  | 'STALE_MESSAGE'
  | 'MALFORMED_REQUEST'
>;

export interface EnvelopeOptions {
  /** This node's party. */
  self: { party: string };
  /** True when a message id was received before. */
  seen: (id: string) => boolean | Promise<boolean>;
  /** Now, in ms since the epoch (default Date.now()). */
  now?: number;
  /** How far in the future a message's time may be (clock skew; default 5 minutes). */
  maxFutureMs?: number;
  /**
   * How old a message may be (default 24 hours). Remembered ids are needed only this long; a delivery
   * worker retrying for longer re-signs the message (same id) with a fresh time.
   */
  maxAgeMs?: number;
}

export interface EnvelopeFault {
  code: MessageRefusalCode;
  message: string;
  path: string;
}

/** Recipient, time window and replay, in that order; undefined when all pass. */
export async function checkEnvelope(
  message: Pick<Message, 'recipient' | 'time' | 'id'>,
  options: EnvelopeOptions,
): Promise<EnvelopeFault | undefined> {
  if (message.recipient !== options.self.party) {
    return {
      code: 'WRONG_RECIPIENT',
      message: `addressed to ${message.recipient}, not ${options.self.party}`,
      path: '/recipient',
    };
  }
  const now = options.now ?? Date.now();
  const t = Date.parse(message.time);
  const future = options.maxFutureMs ?? 5 * 60_000;
  const age = options.maxAgeMs ?? 24 * 60 * 60_000;
  if (!Number.isFinite(t) || t > now + future || t < now - age) {
    return {
      code: 'STALE_MESSAGE',
      message: `time ${message.time} is outside the accepted window`,
      path: '/time',
    };
  }
  if (await options.seen(message.id)) {
    return { code: 'REPLAY', message: `message ${message.id} was received before`, path: '/id' };
  }
  return undefined;
}

/** An item that passed every check: its object typed by the message kind. */
export interface VerifiedItem<K extends MessageKind = MessageKind> {
  index: number;
  status: 'verified';
  object: KindBody[K];
  /** The party whose batch signature covers the object (its maker; a release's originator). */
  originator: string;
  /** True when the originator is not the sending node (a relayed item, R24–R25). */
  relayed: boolean;
  /** The originator-signed consent records that travelled with the item, each verified. */
  consents: ConsentRecord[];
  /** The item as received, for the store and the audit log (signature and proof kept, R25). */
  item: Item;
}

export type ItemRefusalCode =
  | Extract<
      ErrorCode,
      | 'MALFORMED_REQUEST'
      | 'UNKNOWN_ORIGINATOR'
      | 'BAD_ORIGINATOR_SIGNATURE'
      | 'BAD_PROOF'
      | 'ORIGINATOR_MISMATCH'
      | 'BAD_CONSENT'
    >
  | Extract<ReasonCode, 'THIRD_PARTY_CONSENT_REQUIRED'>;

export interface RefusedItem {
  index: number;
  status: 'refused';
  code: ItemRefusalCode;
  message: string;
  /** JSON Pointer into the message. */
  path: string;
}

export type ItemResult<K extends MessageKind = MessageKind> = VerifiedItem<K> | RefusedItem;

export interface ItemCheckOptions {
  /** The Ed25519 public key of a party (partners, relay partners included, and this node itself). */
  originators: (party: string) => ExchangeKey | undefined;
}

const bodyCheckers = Object.fromEntries(
  Object.entries(KIND_BODY).map(([kind, schema]) => [kind, compileChecker(schema)]),
) as Record<MessageKind, Checker<(typeof KIND_BODY)[MessageKind]>>;
const consentChecker = compileChecker(ConsentRecord);

type Verdict =
  | { ok: true; originator: string }
  | { ok: false; code: ItemRefusalCode; message: string; path: string };

/**
 * Verifies signed records, remembering each (JWS, root) pair checked: the items of one batch share one
 * signature, so it is verified once per message, not once per item.
 */
class RecordVerifier {
  private readonly verified = new Map<string, boolean>();
  private readonly headers = new Map<string, BatchHeader | undefined>();
  /** Roots already established for records of a whole batch (see `prepareBatches`). */
  private readonly roots = new Map<SignedRecord, Uint8Array>();

  constructor(private readonly keys: (party: string) => ExchangeKey | undefined) {}

  private header(jws: string): BatchHeader | undefined {
    if (!this.headers.has(jws)) this.headers.set(jws, batchHeader(jws));
    return this.headers.get(jws);
  }

  /**
   * When a message carries every leaf of a batch (the usual release), the tree is rebuilt from the objects
   * once and each record's proof compared with the rebuilt path: the same root every proof would lead to,
   * without hashing each proof up to the root. A record that does not match is left to `verify`, which
   * then says what is wrong with it.
   */
  prepareBatches(records: readonly SignedRecord[]): void {
    const groups = new Map<string, SignedRecord[]>();
    for (const r of records) {
      if (typeof r.originatorJws !== 'string') continue;
      const g = groups.get(r.originatorJws);
      if (g) g.push(r);
      else groups.set(r.originatorJws, [r]);
    }
    for (const [jws, group] of groups) {
      const n = group.length;
      if (n < 2 || this.header(jws)?.treeSize !== n) continue;
      const byLeaf: (SignedRecord | undefined)[] = new Array(n);
      let whole = true;
      for (const r of group) {
        const i = r.leafIndex;
        if (
          r.treeSize !== n ||
          !Number.isSafeInteger(i) ||
          i < 0 ||
          i >= n ||
          byLeaf[i] ||
          !Array.isArray(r.proof)
        ) {
          whole = false;
          break;
        }
        byLeaf[i] = r;
      }
      if (!whole) continue;
      const tree = new MerkleTree();
      try {
        for (const r of byLeaf) tree.appendLeafHash(objectLeafHash(r!.object));
      } catch {
        continue; // not canonical JSON: `verify` reports it
      }
      const root = tree.root();
      // One altered object changes the rebuilt root: then every record goes its own way, so that only the
      // altered one is refused (items are judged one by one).
      const kid = this.header(jws)!.kid;
      const key = this.keys(kid);
      if (!key) continue;
      const cacheKey = `${jws}|${root.toString('hex')}`;
      let good = this.verified.get(cacheKey);
      if (good === undefined) {
        good = verifyBatchSignature(jws, root, key);
        this.verified.set(cacheKey, good);
      }
      if (!good) continue;
      for (let i = 0; i < n; i++) {
        const r = byLeaf[i]!;
        const path = tree.inclusionProof(i);
        if (path.length === r.proof.length && path.every((h, k) => h.toString('hex') === r.proof[k])) {
          this.roots.set(r, root);
        }
      }
    }
  }

  verify(record: SignedRecord, path: string): Verdict {
    const header = this.header(record.originatorJws);
    if (!header) {
      return {
        ok: false,
        code: 'MALFORMED_REQUEST',
        message: 'not a detached relto batch JWS',
        path: `${path}/originatorJws`,
      };
    }
    const key = this.keys(header.kid);
    if (!key) {
      return {
        ok: false,
        code: 'UNKNOWN_ORIGINATOR',
        message: `no key for the originator ${header.kid}`,
        path: `${path}/originatorJws`,
      };
    }
    if (header.treeSize !== record.treeSize) {
      return {
        ok: false,
        code: 'BAD_ORIGINATOR_SIGNATURE',
        message: `the originator signed a tree of ${header.treeSize}, not ${record.treeSize}`,
        path: `${path}/treeSize`,
      };
    }
    const known = this.roots.get(record);
    const r = known ? { root: known } : recordRoot(record);
    if ('fault' in r) return { ...r.fault, path: `${path}${r.fault.path}` };
    const cacheKey = `${record.originatorJws}|${Buffer.from(r.root).toString('hex')}`;
    let good = this.verified.get(cacheKey);
    if (good === undefined) {
      good = verifyBatchSignature(record.originatorJws, r.root, key);
      this.verified.set(cacheKey, good);
    }
    if (!good) {
      return {
        ok: false,
        code: 'BAD_ORIGINATOR_SIGNATURE',
        message: `the signature of ${header.kid} does not cover this object (object, proof or signature altered)`,
        path: `${path}/object`,
      };
    }
    return { ok: true, originator: header.kid };
  }
}

function refused(index: number, v: { code: ItemRefusalCode; message: string; path: string }): RefusedItem {
  return { index, status: 'refused', code: v.code, message: v.message, path: v.path };
}

/** True when a consent names `party` as the recipient and is in force at `at` (contracts §3). */
function namesRecipient(c: ConsentRecord, party: string, at: number): boolean {
  if (!('to' in c) || c.to !== party || c.revoked === true) return false;
  if (Date.parse(c.at) > at) return false;
  return c.expires === undefined || Date.parse(c.expires) > at;
}

/**
 * Checks every item of an opened message and returns one result per item, in order. An item is refused
 * when its object does not have its kind's shape, its originator is unknown, the originator's signature
 * does not cover it (R25), it was signed by a party other than its maker, a consent with it is not the
 * originator's or not for it (R15), or it is a relayed release without the originator's consent naming
 * this node (R24).
 */
export function checkItems<K extends MessageKind>(
  message: Message & { kind: K },
  options: ItemCheckOptions,
): ItemResult<K>[] {
  const verifier = new RecordVerifier(options.originators);
  verifier.prepareBatches(message.items);
  const body = bodyCheckers[message.kind];
  const time = Date.parse(message.time);
  const results: ItemResult<K>[] = [];
  for (let i = 0; i < message.items.length; i++) {
    const item = message.items[i];
    const path = `/items/${i}`;
    const shape = body.problem(item.object);
    if (shape) {
      results.push(
        refused(i, {
          code: 'MALFORMED_REQUEST',
          message: shape.message,
          path: `${path}/object${shape.path}`,
        }),
      );
      continue;
    }
    const signed = verifier.verify(item, path);
    if (!signed.ok) {
      results.push(refused(i, signed));
      continue;
    }
    const object = item.object as Record<string, unknown>;
    const maker = makerOf(message.kind, object);
    if (maker !== undefined && maker !== signed.originator) {
      results.push(
        refused(i, {
          code: 'ORIGINATOR_MISMATCH',
          message: `made by ${maker} but signed by ${signed.originator}`,
          path: `${path}/object`,
        }),
      );
      continue;
    }
    if (message.kind !== 'release' && item.consents.length > 0) {
      results.push(
        refused(i, {
          code: 'MALFORMED_REQUEST',
          message: 'only released items carry consents',
          path: `${path}/consents`,
        }),
      );
      continue;
    }
    const consents: ConsentRecord[] = [];
    let fault: RefusedItem | undefined;
    for (let j = 0; j < item.consents.length && !fault; j++) {
      const cPath = `${path}/consents/${j}`;
      const record = item.consents[j];
      const cShape = consentChecker.problem(record.object);
      if (cShape) {
        fault = refused(i, {
          code: 'BAD_CONSENT',
          message: `not a consent record: ${cShape.message}`,
          path: `${cPath}/object${cShape.path}`,
        });
        break;
      }
      const consent = record.object as ConsentRecord;
      const cSigned = verifier.verify(record, cPath);
      if (!cSigned.ok) {
        fault = refused(i, {
          ...cSigned,
          code: cSigned.code === 'UNKNOWN_ORIGINATOR' ? 'UNKNOWN_ORIGINATOR' : 'BAD_CONSENT',
          message: `consent: ${cSigned.message}`,
        });
      } else if (cSigned.originator !== signed.originator || consent.by !== signed.originator) {
        // R15: only the originator's consent counts; a hub cannot consent for it.
        fault = refused(i, {
          code: 'BAD_CONSENT',
          message: `a consent by ${consent.by}, signed by ${cSigned.originator}, is not the originator ${signed.originator}'s`,
          path: cPath,
        });
      } else if (consent.item !== object.id) {
        fault = refused(i, {
          code: 'BAD_CONSENT',
          message: `the consent is for ${consent.item}, not ${String(object.id)}`,
          path: `${cPath}/object/item`,
        });
      } else {
        consents.push(consent);
      }
    }
    if (fault) {
      results.push(fault);
      continue;
    }
    const relayed = signed.originator !== message.sender;
    // R24: the hub passes an item on only with the originator's consent naming the final recipient.
    // A relto label marking carries no content: it is stored only beside an object that passed this check.
    if (
      message.kind === 'release' &&
      relayed &&
      maker === undefined &&
      !consents.some((c) => namesRecipient(c, message.recipient, time))
    ) {
      results.push(
        refused(i, {
          code: 'THIRD_PARTY_CONSENT_REQUIRED',
          message: `relayed by ${message.sender} without ${signed.originator}'s consent naming ${message.recipient}`,
          path: `${path}/consents`,
        }),
      );
      continue;
    }
    results.push({
      index: i,
      status: 'verified',
      object: item.object as KindBody[K],
      originator: signed.originator,
      relayed,
      consents,
      item,
    });
  }
  return results;
}
