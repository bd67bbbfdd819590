import {
  type BenchContext,
  best,
  median,
  type Round,
  registerBench,
  timeRoundsAsync,
} from '../bench/harness.js';
import { RELTO_NAMESPACE, uuidv5 } from '../canon/index.js';
import { generateEncryptionKeyPair, generateSigningKeyPair } from '../identity/index.js';
import { labelToMarking, partyIdentityId } from '../stix/index.js';
import { buildMessage, type Message, receiveMessage, signBatch } from './index.js';

/**
 * The raw cost of node-to-node exchange (contracts §9), no network and no store: for a steady stream of
 * batches of 100 STIX reports Korea → Japan, the originator signs each batch (RFC 8785 + Merkle root +
 * Ed25519), the sender signs and encrypts the message (JWS in JWE, ECDH-ES+A256KW / A256GCM), the receiver
 * decrypts it, verifies the sender and every object's inclusion proof against the originator's signature.
 * One batch at a time, awaited, as a delivery worker sends to one partner. Figure: objects/s of the median
 * round; the sender's and receiver's halves are timed on their own beside it.
 */

const BATCH = 100;
const BATCHES = 40; // 4,000 objects a round
const ROUNDS = 5;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** A realistic released report: relto label marking ref, ~1.5 KB of text, refs, external references. */
function reports(batch: number, markingId: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < BATCH; i++) {
    const n = batch * BATCH + i;
    out.push({
      type: 'report',
      spec_version: '2.1',
      id: `report--${uuidv5(`bench report ${n}`, RELTO_NAMESPACE)}`,
      created: '2026-03-01T09:00:00.000Z',
      modified: '2026-03-01T09:00:00.000Z',
      created_by_ref: partyIdentityId('KOR'),
      name: `Launch assessment ${n}: short-range ballistic missile, east coast`,
      description: `Assessment ${n}. `.concat(
        'A short-range ballistic missile was launched from the vicinity of the east coast, flew about ',
        '350 km on a depressed trajectory and fell outside the exclusive economic zone. ',
        'Telemetry suggests a solid-fuel motor and a manoeuvring re-entry vehicle. '.repeat(10),
      ),
      report_types: ['threat-report'],
      published: '2026-03-01T09:00:00.000Z',
      object_refs: [`indicator--${uuidv5(`bench indicator ${n}`, RELTO_NAMESPACE)}`],
      object_marking_refs: [markingId],
      external_references: [{ source_name: 'relto', external_id: `RPT-KOR-${n}` }],
      labels: ['launch', 'missile'],
    });
  }
  return out;
}

function recordRate(ctx: BenchContext, subject: string, count: number, rounds: Round[]): number {
  const wall = rounds.map((r) => r.wall);
  const rate = count / median(wall);
  ctx.record(subject, 'objects/s (median round, wall clock)', rate);
  ctx.record(subject, 'objects/s (best round, wall clock)', count / best(wall));
  ctx.record(subject, 'objects per CPU-second (median round)', count / median(rounds.map((r) => r.cpu)));
  ctx.log(`${subject}: ${fmt(rate)} objects/s (median of ${rounds.length} rounds)`);
  return rate;
}

async function exchangeBench(ctx: BenchContext): Promise<void> {
  const kor = { signing: generateSigningKeyPair(), encryption: generateEncryptionKeyPair() };
  const jpn = { signing: generateSigningKeyPair(), encryption: generateEncryptionKeyPair() };
  const marking = labelToMarking({
    originator: 'KOR',
    classification: 'II',
    releasableTo: ['JPN', 'KOR'],
    topics: ['DPRK-MISSILE'],
  });
  const batches = Array.from({ length: BATCHES }, (_, b) => reports(b, marking.id));
  const total = BATCH * BATCHES;
  const keys = new Map([
    ['KOR', kor.signing.publicJwk],
    ['JPN', jpn.signing.publicJwk],
  ]);
  let seq = 0;
  const seen = new Set<string>();
  const sender = { party: 'KOR', key: kor.signing.privateJwk };
  const recipient = { party: 'JPN', key: jpn.encryption.publicJwk };
  const receiving = {
    self: { party: 'JPN', decryptionKey: jpn.encryption.privateJwk },
    senders: (p: string) => keys.get(p),
    seen: (id: string) => seen.has(id),
  };

  async function send(objects: Record<string, unknown>[]): Promise<string> {
    const records = await signBatch({ party: 'KOR', key: kor.signing.privateJwk }, objects);
    const message: Message = {
      sender: 'KOR',
      recipient: 'JPN',
      id: `bench-${seq++}`,
      time: new Date().toISOString(),
      kind: 'release',
      under: 'KOR-JPN-GSOMIA',
      decision: `audit:${seq}`,
      items: records.map((r) => ({ ...r, consents: [] })),
    };
    return buildMessage(message, sender, recipient);
  }

  async function receive(jwe: string): Promise<void> {
    const r = await receiveMessage(jwe, receiving);
    if (!r.ok) throw new Error(`refused: ${r.code} ${r.message}`);
    seen.add(r.message.id);
    for (const item of r.items) {
      if (item.status !== 'verified') throw new Error(`item refused: ${item.code} ${item.message}`);
    }
  }

  // Every object must come out verified before anything is timed.
  const probe = await send(batches[0]);
  await receive(probe);
  const bytes = Buffer.byteLength(probe);
  ctx.record('message', 'JWE bytes per object (100-object batch)', bytes / BATCH);

  const both = await timeRoundsAsync(
    async () => {
      for (const objects of batches) await receive(await send(objects));
      return undefined;
    },
    { warmup: 1, rounds: ROUNDS },
  );
  recordRate(ctx, 'sign + encrypt + decrypt + verify', total, both);

  const sent: string[] = [];
  const senderRounds = await timeRoundsAsync(
    async () => {
      sent.length = 0;
      for (const objects of batches) sent.push(await send(objects));
      return undefined;
    },
    { warmup: 1, rounds: ROUNDS },
  );
  recordRate(ctx, 'sender: sign batch + sign + encrypt message', total, senderRounds);

  const receiverRounds = await timeRoundsAsync(
    async () => {
      seen.clear();
      for (const jwe of sent) await receive(jwe);
      return undefined;
    },
    { warmup: 1, rounds: ROUNDS },
  );
  recordRate(ctx, 'receiver: decrypt + verify message and items', total, receiverRounds);
}

registerBench('exchange:raw', exchangeBench);
