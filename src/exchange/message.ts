import { type CanonicalForms, canonicalize } from '../canon/index.js';
import { ReltoError } from '../errors/index.js';
import { compileChecker } from '../identity/index.js';
import { decryptJwe, encryptJwe, peekHeader, signJws, verifyJws } from './compact-jose.js';
import { type ExchangeKey, toKeyObject } from './keys.js';
import {
  checkEnvelope,
  checkItems,
  type EnvelopeOptions,
  type ItemCheckOptions,
  type ItemResult,
  type MessageRefusalCode,
} from './receive.js';
import { Message, type MessageKind } from './schema.js';

/**
 * The message envelope (contracts §9): the RFC 8785 JSON of the message, signed by the sending node
 * (compact JWS, EdDSA), encrypted to the receiving node (compact JWE, ECDH-ES+A256KW / A256GCM). The
 * body of `POST /exchange/v1/inbox` is that JWE; its media type is application/jose.
 */

export const MEDIA_TYPE = 'application/jose';
export const MESSAGE_TYP = 'relto-message';

const checkMessage = compileChecker(Message);

/** Validates a parsed message (contracts §9); throws MALFORMED_REQUEST naming the JSON Pointer. */
export function decodeMessage(value: unknown): Message {
  return checkMessage.assert(value);
}

/** The RFC 8785 JSON of a message: what the sender signs (`forms`: its objects' forms already written). */
export function encodeMessage(message: Message, forms?: CanonicalForms): string {
  return canonicalize(message, forms);
}

/** The sending node: its party (the JWS `kid`, equal to the message's `sender`) and Ed25519 private key. */
export interface Sender {
  party: string;
  key: ExchangeKey;
}

/** The receiving node: its party and its X25519 public key. */
export interface Recipient {
  party: string;
  key: ExchangeKey;
}

/**
 * Signs and encrypts a message; returns the compact JWE to POST. The message is validated first, its
 * sender must be the signing party and its recipient the party encrypted to.
 */
export function buildMessage(
  message: Message,
  sender: Sender,
  recipient: Recipient,
  /** Canonical forms of the message's objects kept when their batch was signed (signBatch). */
  forms?: CanonicalForms,
): string {
  decodeMessage(message);
  if (message.sender !== sender.party) {
    throw new ReltoError(
      'INVALID_ARGUMENT',
      `message sender ${message.sender} is not the signing party ${sender.party}`,
      '/sender',
    );
  }
  if (message.recipient !== recipient.party) {
    throw new ReltoError(
      'INVALID_ARGUMENT',
      `message recipient ${message.recipient} is not the party encrypted to (${recipient.party})`,
      '/recipient',
    );
  }
  const jws = signJws(
    Buffer.from(encodeMessage(message, forms), 'utf8'),
    { alg: 'EdDSA', typ: MESSAGE_TYP, kid: sender.party },
    toKeyObject(sender.key),
  );
  return encryptJwe(Buffer.from(jws, 'ascii'), toKeyObject(recipient.key), {
    cty: MESSAGE_TYP,
    kid: recipient.party,
  });
}

/** A refused message: the code, why, and what is known of it (for the audit entry). */
export interface MessageRefusal {
  ok: false;
  code: MessageRefusalCode;
  message: string;
  /** JSON Pointer into the message, when a part of it is at fault. */
  path: string;
  /** Known once the signature has been read (signed or not: do not trust before `code` says so). */
  sender?: string;
  id?: string;
}

export interface OpenedMessage {
  ok: true;
  message: Message;
  /** The compact JWS the sender signed: kept as evidence in the audit log. */
  jws: string;
}

export interface OpenOptions extends EnvelopeOptions {
  /** This node: its party and X25519 private key. */
  self: { party: string; decryptionKey: ExchangeKey };
  /** The Ed25519 public key of a partner node, undefined when not a partner. */
  senders: (party: string) => ExchangeKey | undefined;
}

const refuse = (
  code: MessageRefusalCode,
  message: string,
  extra: { path?: string; sender?: string; id?: string } = {},
): MessageRefusal => ({ ok: false, code, message, path: extra.path ?? '', ...extra });

/**
 * Decrypts and verifies a message addressed to this node. Checks, in order: decryption (BAD_ENCRYPTION),
 * the JWS and its sender (MALFORMED_REQUEST, UNKNOWN_SENDER, BAD_SIGNATURE), the message's shape
 * (MALFORMED_REQUEST), recipient (WRONG_RECIPIENT), time (STALE_MESSAGE) and id (REPLAY). Never throws for
 * a bad message: the refusal is a value, to be audited. Items are checked by `checkItems`.
 */
export async function openMessage(
  jwe: string,
  options: OpenOptions,
): Promise<OpenedMessage | MessageRefusal> {
  if (typeof jwe !== 'string' || jwe.split('.').length !== 5) {
    return refuse('BAD_ENCRYPTION', 'not a compact JWE');
  }
  let jws: string;
  try {
    jws = decryptJwe(jwe, toKeyObject(options.self.decryptionKey)).plaintext.toString('ascii');
  } catch (e) {
    return refuse('BAD_ENCRYPTION', `cannot decrypt: ${(e as Error).message}`);
  }
  const header = peekHeader(jws);
  if (!header || jws.split('.').length !== 3) {
    return refuse('MALFORMED_REQUEST', 'the plaintext is not a compact JWS');
  }
  if (header.typ !== MESSAGE_TYP || header.alg !== 'EdDSA' || typeof header.kid !== 'string') {
    return refuse('MALFORMED_REQUEST', 'the JWS is not a relto message signature (typ, alg, kid)');
  }
  const claimed = header.kid;
  const key = options.senders(claimed);
  if (!key) return refuse('UNKNOWN_SENDER', `${claimed} is not a known partner`, { sender: claimed });
  const verified = verifyJws(jws, toKeyObject(key));
  if (!verified) {
    return refuse('BAD_SIGNATURE', `the signature of ${claimed} fails`, { sender: claimed });
  }
  const payload = verified.payload;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return refuse('MALFORMED_REQUEST', 'the signed payload is not JSON', { sender: claimed });
  }
  const problem = checkMessage.problem(value);
  if (problem) {
    const id = typeof (value as { id?: unknown })?.id === 'string' ? (value as { id: string }).id : undefined;
    return refuse('MALFORMED_REQUEST', `${problem.path || '/'} ${problem.message}`, {
      path: problem.path,
      sender: claimed,
      ...(id ? { id } : {}),
    });
  }
  const message = value as Message;
  const known = { sender: claimed, id: message.id };
  // The key that verified is the kid's: a message claiming another sender inside is not that sender's.
  if (message.sender !== claimed) {
    return refuse('BAD_SIGNATURE', `signed by ${claimed} but claims to be from ${message.sender}`, {
      ...known,
      path: '/sender',
    });
  }
  const envelope = await checkEnvelope(message, options);
  if (envelope) return refuse(envelope.code, envelope.message, { ...known, path: envelope.path });
  return { ok: true, message, jws };
}

/** A message opened and every item checked: the refusal of the whole, or one result per item. */
export type Received<K extends MessageKind = MessageKind> =
  | (OpenedMessage & { items: ItemResult<K>[] })
  | MessageRefusal;

/**
 * `openMessage` then `checkItems`: what the inbox does with a POSTed body. The originators' keys default
 * to the senders' (every partner's key, relay partners included).
 */
export async function receiveMessage(
  jwe: string,
  options: OpenOptions & Partial<ItemCheckOptions>,
): Promise<Received> {
  const opened = await openMessage(jwe, options);
  if (!opened.ok) return opened;
  const items = checkItems(opened.message, { originators: options.originators ?? options.senders });
  return { ...opened, items };
}
