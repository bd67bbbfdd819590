import { createHash } from 'node:crypto';
import { ReltoError } from '../errors/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The namespace of every relto UUIDv5 (contracts §6): label ids, identity ids. */
export const RELTO_NAMESPACE = '75bce083-7fed-4d2c-9812-176dc807b829';

/** RFC 4122 / RFC 9562 namespace for DNS names (used by test vectors). */
export const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

/** True when `s` is a UUID in its 8-4-4-4-12 hex form. */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}

/**
 * Name-based UUID, version 5 (RFC 9562 §5.5): SHA-1 of the namespace's 16 bytes then the name's UTF-8
 * bytes, with the version and variant bits set. Deterministic, so one name has one id on every node.
 *
 * @example uuidv5('www.example.com', DNS_NAMESPACE) === '2ed6657d-e927-568b-95e1-2665a8aea6a2'
 */
export function uuidv5(name: string, namespace: string): string {
  if (!UUID.test(namespace)) {
    throw new ReltoError('INVALID_ARGUMENT', `namespace ${JSON.stringify(namespace)} is not a UUID`);
  }
  const digest = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  digest[6] = (digest[6] & 0x0f) | 0x50;
  digest[8] = (digest[8] & 0x3f) | 0x80;
  const h = digest.toString('hex', 0, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
