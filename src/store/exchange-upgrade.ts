/**
 * Exchange rows in the shapes earlier versions wrote, brought to today's: a pending outbox message kept whole
 * in clear (`{message}`), and a received object's signed record kept with the object (`{record}`). Migration
 * 0005 rewrites the rows held when a store opens; the node's exchange reads a row through the same function,
 * so a row such a version writes afterwards (a process of it sharing the store) reads the same. Pure: no I/O.
 */
export function upgradedExchangeBody(kind: string, status: string, body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return body;
  if (kind === 'outbox' && status === 'pending' && 'message' in body && !('envelope' in body)) {
    // Queued before messages were sealed when queued: no sealed copy, so it is sealed when next sent.
    const { items, ...envelope } = (body as { message: { items: unknown[] } }).message;
    return { envelope, items };
  }
  if (kind === 'signed' && 'record' in body) {
    const { object, ...proof } = (body as { record: { object?: Record<string, unknown> } }).record;
    // A label's record stays whole (it is relayed as it is); an object's keeps its proof, the object being
    // held (sealed) in the store (R27).
    if (!object || object.type === 'marking-definition') return body;
    return { version: String(object.modified ?? object.created ?? ''), ...proof };
  }
  return body;
}
