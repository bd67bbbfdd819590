import { signTreeHead } from '../../../audit/index.js';
import { type AuditHead, buildMessage, type ExchangeKey, signBatch } from '../../../exchange/index.js';
import { ROWS } from '../exchange.js';
import type { InProcessNode } from './in-process.js';
import { eventually } from './three-nodes.js';

/**
 * Raises a LOG_REWRITTEN alarm at `to` the way the exchange does: once `to` holds a head of `from`'s audit log
 * (nodes started with `headEveryMs`), `from`'s own key signs a head of the same size with another root and
 * sends it. Returns the ids of the alarms `to` holds afterwards that were not there before.
 */
export async function raiseLogRewrittenAlarm(from: InProcessNode, to: InProcessNode): Promise<string[]> {
  const held = await eventually(
    async () =>
      (await to.node.store.getExchange(ROWS.partnerHead, from.party))?.body as AuditHead | undefined,
  );
  const before = new Set((await to.node.store.listExchange({ kind: ROWS.alarm })).map((r) => r.key));
  const ex = from.ex.exchange;
  const key = ex.identity.signing.privateJwk as ExchangeKey;
  const forged = signTreeHead(
    {
      treeSize: held.treeSize,
      rootHash: 'ab'.repeat(32),
      timestamp: new Date().toISOString(),
      origin: from.party,
    },
    key as never,
  );
  const record: AuditHead = {
    type: 'relto-audit-head',
    origin: from.party,
    treeSize: forged.treeSize,
    rootHash: forged.rootHash,
    timestamp: forged.timestamp,
    signature: forged.signature,
  };
  const [signed] = signBatch({ party: from.party, key }, [record]);
  const jwe = buildMessage(
    {
      sender: from.party,
      recipient: to.party,
      id: `forged-${Date.now()}-${Math.random().toString(16).slice(2)}`,
      time: new Date().toISOString(),
      kind: 'audit-head',
      under: null,
      decision: null,
      items: [{ ...signed!, consents: [] }],
    },
    { party: from.party, key },
    { party: to.party, key: (await ex.partner(to.party))!.identity.encryptionKey as ExchangeKey },
  );
  await to.ex.exchange.receive(jwe, from.party);
  return (await to.node.store.listExchange({ kind: ROWS.alarm }))
    .map((r) => r.key)
    .filter((k) => !before.has(k));
}
