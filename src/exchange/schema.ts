import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { ConsentAction, Label } from '../label/schema.js';
import { reltoExtensionOf } from '../stix/index.js';

/**
 * The wire forms of node-to-node exchange (contracts §9). One message shape for every kind; what differs
 * is the object each item carries. Every object, whatever its kind, travels as a signed record: signed
 * (in a batch) by the node that made it, with its inclusion proof, so it can be passed on and still be
 * verified against its maker (R25).
 */

export const Party = Type.String({ pattern: '^[A-Z]{3}$' });
const Instant = Type.String({ format: 'date-time' });
const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Id = Type.String({ minLength: 1, maxLength: 200 });
const Text = Type.String({ minLength: 1, maxLength: 10_000 });
// A detached compact JWS: header, empty payload, signature.
const DetachedJws = Type.String({ pattern: '^[A-Za-z0-9_-]+\\.\\.[A-Za-z0-9_-]+$', maxLength: 2048 });

export const MESSAGE_KINDS = [
  'release',
  'receipt',
  'consent-request',
  'consent',
  'compromise-report',
  'reclassification',
  'audit-head',
] as const;
export const MessageKind = Type.Union(MESSAGE_KINDS.map((k) => Type.Literal(k)));
export type MessageKind = Static<typeof MessageKind>;

/** An object with its place in the batch its maker signed: enough to verify it alone. */
export const SignedRecord = Type.Object(
  {
    object: Type.Unsafe<Record<string, unknown>>(Type.Object({}, { additionalProperties: true })),
    /** Inclusion proof (RFC 9162 audit path, leaf to root), lowercase hex hashes. */
    proof: Type.Array(Hash, { maxItems: 64 }),
    leafIndex: Type.Integer({ minimum: 0 }),
    treeSize: Type.Integer({ minimum: 1 }),
    /** The maker's Ed25519 JWS over the batch's Merkle root, detached payload. */
    originatorJws: DetachedJws,
  },
  { additionalProperties: false },
);
export type SignedRecord = Static<typeof SignedRecord>;

/** An item of a message: a signed record plus the originator-signed consents the recipient needs. */
export const Item = Type.Object(
  {
    ...SignedRecord.properties,
    consents: Type.Array(SignedRecord, { maxItems: 1000 }),
  },
  { additionalProperties: false },
);
export type Item = Static<typeof Item>;

/** The message the sending node signs (RFC 8785 JSON inside a compact JWS inside a compact JWE). */
export const Message = Type.Object(
  {
    sender: Party,
    recipient: Party,
    id: Id,
    time: Instant,
    kind: MessageKind,
    /** The agreement the transfer is made under (null for messages that release nothing). */
    under: Type.Union([Id, Type.Null()]),
    /** The audit reference of the permit (null when no decision was needed). */
    decision: Type.Union([Id, Type.Null()]),
    items: Type.Array(Item, { minItems: 1, maxItems: 100_000 }),
  },
  { additionalProperties: false },
);
export type Message = Static<typeof Message>;

// ---- The objects each kind carries ----------------------------------------------------------------------

/** A STIX object released (contracts §6); full OASIS validation is the receiving node's next step. */
export const ReleaseObject = Type.Object(
  {
    type: Type.String({ minLength: 1 }),
    id: Type.String({ pattern: '^[a-z0-9-]+--[0-9a-f-]{36}$' }),
  },
  { additionalProperties: true },
);
export type ReleaseObject = Static<typeof ReleaseObject>;

export const ReceiptStatus = Type.Union([
  Type.Literal('stored'),
  Type.Literal('duplicate'),
  Type.Literal('refused'),
]);

/** A signed receipt: what the receiver did with each object of a message (idempotent by id and version). */
export const Receipt = Type.Object(
  {
    type: Type.Literal('relto-receipt'),
    by: Party,
    at: Instant,
    /** The id of the message receipted. */
    message: Id,
    items: Type.Array(
      Type.Object(
        {
          id: Id,
          /** The STIX `modified` of the version received (its `created` when never modified). */
          version: Type.String({ minLength: 1 }),
          status: ReceiptStatus,
          /** The reason code when refused. */
          code: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
export type Receipt = Static<typeof Receipt>;

// Exactly one of to / actions / purpose (contracts §3), stated as a union so the schema says it.
function oneOfScope<P extends Record<string, TSchema>>(props: P, type: string) {
  const base = { ...props };
  return Type.Union(
    [
      Type.Object({ ...base, to: Party }, { additionalProperties: false }),
      Type.Object(
        { ...base, actions: Type.Array(ConsentAction, { minItems: 1, uniqueItems: true }) },
        { additionalProperties: false },
      ),
      Type.Object({ ...base, purpose: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    ],
    { description: type },
  );
}

/** A holder asks the originator for consent (R15–R17); answered by a consent record or a refusal. */
export const ConsentRequest = oneOfScope(
  {
    type: Type.Literal('relto-consent-request'),
    id: Id,
    /** The STIX id of the item. */
    item: Id,
    /** The party asking (the holder). */
    by: Party,
    at: Instant,
    /** The party that will hold what the consent allows (actions and purpose consents). */
    holder: Type.Optional(Party),
    note: Type.Optional(Text),
  },
  'relto-consent-request',
);
export type ConsentRequest = Static<typeof ConsentRequest>;

/**
 * A consent record (contracts §3) as the originator signs it, for one item. `ref` is its id (the label's
 * `consents[].ref`); `request` the consent request it answers, if any.
 */
export const ConsentRecord = oneOfScope(
  {
    type: Type.Literal('relto-consent'),
    ref: Id,
    item: Id,
    by: Party,
    at: Instant,
    holder: Type.Optional(Party),
    expires: Type.Optional(Instant),
    revoked: Type.Optional(Type.Boolean()),
    request: Type.Optional(Id),
  },
  'relto-consent',
);
export type ConsentRecord = Static<typeof ConsentRecord>;

/** The originator's refusal of a consent request (R34: by a releasing officer who did not ask). */
export const ConsentRefusal = Type.Object(
  {
    type: Type.Literal('relto-consent-refusal'),
    request: Id,
    item: Id,
    by: Party,
    at: Instant,
    note: Type.Optional(Text),
  },
  { additionalProperties: false },
);
export type ConsentRefusal = Static<typeof ConsentRefusal>;

export const ConsentAnswer = Type.Union([ConsentRecord, ConsentRefusal]);
export type ConsentAnswer = Static<typeof ConsentAnswer>;

export const CompromiseStatus = Type.Union([
  Type.Literal('reported'),
  Type.Literal('under-investigation'),
  Type.Literal('findings'),
  Type.Literal('closed'),
]);

/** A report of loss or compromise to the originator (R28), then its findings and measures. */
export const CompromiseReport = Type.Object(
  {
    type: Type.Literal('relto-compromise-report'),
    id: Id,
    item: Id,
    version: Type.Optional(Type.String({ minLength: 1 })),
    /** The holder reporting. */
    by: Party,
    at: Instant,
    status: CompromiseStatus,
    description: Text,
    findings: Type.Optional(Text),
    measures: Type.Optional(Text),
  },
  { additionalProperties: false },
);
export type CompromiseReport = Static<typeof CompromiseReport>;

/** The originator's reclassification notice (R8): the item's new label, in full. */
export const ReclassificationNotice = Type.Object(
  {
    type: Type.Literal('relto-reclassification'),
    id: Id,
    item: Id,
    by: Party,
    at: Instant,
    label: Label,
  },
  { additionalProperties: false },
);
export type ReclassificationNotice = Static<typeof ReclassificationNotice>;

/** A signed audit head (R29) and, when the recipient holds an older head, the consistency proof from it. */
export const AuditHead = Type.Object(
  {
    type: Type.Literal('relto-audit-head'),
    /** Whose log it is; the same as the node that signs the record. */
    origin: Party,
    treeSize: Type.Integer({ minimum: 0 }),
    rootHash: Hash,
    timestamp: Instant,
    /** Ed25519 over audit's treeHeadBytes (base64), as src/audit signs heads. */
    signature: Type.String({ pattern: '^[A-Za-z0-9+/]{86}==$' }),
    consistency: Type.Optional(
      Type.Object(
        { fromSize: Type.Integer({ minimum: 0 }), proof: Type.Array(Hash, { maxItems: 128 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type AuditHead = Static<typeof AuditHead>;

/** The schema of the objects a message of each kind carries. */
export const KIND_BODY = {
  release: ReleaseObject,
  receipt: Receipt,
  'consent-request': ConsentRequest,
  consent: ConsentAnswer,
  'compromise-report': CompromiseReport,
  reclassification: ReclassificationNotice,
  'audit-head': AuditHead,
} as const satisfies Record<MessageKind, TSchema>;

export type KindBody = {
  release: ReleaseObject;
  receipt: Receipt;
  'consent-request': ConsentRequest;
  consent: ConsentAnswer;
  'compromise-report': CompromiseReport;
  reclassification: ReclassificationNotice;
  'audit-head': AuditHead;
};

/**
 * The party that made an object of a kind, which must be the party that signed it. For a release, that is
 * knowable here only for a relto label marking (its originator, R25); the originator of any other STIX
 * object is its label's, which the receiving node resolves.
 */
export function makerOf(kind: MessageKind, object: Record<string, unknown>): string | undefined {
  if (kind === 'release') {
    const ext = reltoExtensionOf(object);
    return ext && !('alternative_of' in ext) && typeof ext.originator === 'string'
      ? ext.originator
      : undefined;
  }
  if (kind === 'audit-head') return object.origin as string;
  return object.by as string;
}
