import type { Outbox } from './outbox.js';
import type { Partner } from './partners.js';
import { isQueued, type OutboxBody, type Row } from './rows.js';
import { postToPartner } from './transport.js';

/**
 * The delivery worker (contracts §9): per partner, the outbox in order, one message at a time, sent as it was
 * sealed when queued (sealed anew, same id and a fresh time, once older than half the partner's window), until
 * the partner answers with a signed receipt for it; retries with exponential backoff. The outbox lives in the
 * store, so a restart (or `kill -9`) resumes where the store says: a message whose receipt was lost is sent
 * again, and the partner answers its replay with the stored receipt, so nothing is lost or stored twice.
 */
export interface DeliveryOptions {
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often to look for work queued by other processes, compromise reports and heads to send (ms). */
  pollMs?: number;
  /** How often to send this node's audit head to partners (ms; 0 = never). */
  headEveryMs?: number;
}

/** A queued message ready to post. */
interface Prepared {
  row: Row<'outbox'>;
  body: OutboxBody;
  jwe: string;
  partner: Partner;
}

type Answer = { status: number; contentType: string; body: string };

/** How to settle a message the partner answered for good; `receipted` when it answered with its receipt. */
interface Settlement {
  receipted: boolean;
  settle: () => Promise<void>;
}

/**
 * Messages on their way to one partner at once: the next is sent while the partner stores the one before,
 * so it never waits for this node between messages (the transport keeps them in order, transport.ts).
 */
const IN_FLIGHT = 2;

/**
 * A message sealed longer ago than this is sealed anew (same id, fresh time) before it is sent again: the
 * receiver refuses one older than its window (24 h by default, receive.ts), so half of it leaves room for skew.
 */
const RESEAL_AFTER_MS = 12 * 60 * 60_000;

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

export class Delivery {
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly backoff = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private poll: NodeJS.Timeout | null = null;
  private lastHeads = 0;
  private lastSweep = 0;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly pollMs: number;
  private readonly headEveryMs: number;
  private readonly idle = new Set<() => void>();

  private readonly outbox: Outbox;

  /** The worker is given the outbox (the exchange that owns it will do: `{ outbox }`). */
  constructor(source: { outbox: Outbox }, options: DeliveryOptions = {}) {
    this.outbox = source.outbox;
    this.minBackoffMs = options.minBackoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.pollMs = options.pollMs ?? 1000;
    this.headEveryMs = options.headEveryMs ?? 30_000;
    this.outbox.onQueued = (p) => this.kick(p);
  }

  start(): void {
    const tick = async () => {
      if (this.stopped) return;
      try {
        // Files of messages settled, or never queued (a crash, a failed transaction), at start and hourly; a
        // pending message's file is kept (one removed while its row commits is sealed anew when sent).
        if (Date.now() - this.lastSweep >= 60 * 60_000) {
          this.lastSweep = Date.now();
          await this.outbox.sweep();
        }
        // Compromise reports to forward (R28) and, every headEveryMs, audit heads (R29) are queued first.
        const headsDue = this.headEveryMs > 0 && Date.now() - this.lastHeads >= this.headEveryMs;
        if (headsDue) this.lastHeads = Date.now();
        const partners = await this.outbox.beforeRound(headsDue);
        for (const p of partners) if (!this.backoff.has(p.party)) this.kick(p.party);
      } catch {
        // the next tick tries again
      }
    };
    void tick();
    this.poll = setInterval(() => void tick(), this.pollMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    while (this.running.size > 0) await new Promise((r) => setTimeout(r, 10));
  }

  /** Resolves once nothing is being sent (tests). */
  whenIdle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((r) => this.idle.add(r));
  }

  kick(partner: string): void {
    if (this.stopped) return;
    if (this.running.has(partner)) {
      this.again.add(partner);
      return;
    }
    this.running.add(partner);
    void this.run(partner).finally(() => {
      this.running.delete(partner);
      if (this.again.delete(partner)) this.kick(partner);
      if (this.running.size === 0) for (const r of this.idle) r();
      if (this.running.size === 0) this.idle.clear();
    });
  }

  private async run(partner: string): Promise<void> {
    // The settlement of the message last receipted, being written while the next one is on its way.
    let settling: Promise<boolean> = Promise.resolve(true);
    const backOff = () => {
      const wait = Math.min(this.maxBackoffMs, (this.backoff.get(partner) ?? this.minBackoffMs / 2) * 2);
      this.backoff.set(partner, wait);
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.kick(partner);
      }, wait);
      this.timers.add(t);
    };
    try {
      for (;;) {
        // The outbox is read again only once what was receipted is settled in it.
        if (!(await settling)) return backOff();
        if (this.stopped) return;
        // Up to IN_FLIGHT messages on their way, posted in queue order; their answers are taken in that order.
        // The outbox is read a few rows at a time (each holds a message's item list), the next few read while
        // the last ones are still on their way, so the partner is not left waiting at the seam.
        const window: { prepared: Prepared; answer: Promise<Answer> }[] = [];
        let rows: Row<'outbox'>[] = [];
        let next = 0;
        let lastSeq: number | undefined;
        let exhausted = false;
        let stuck = false;
        let sent = 0;
        for (;;) {
          while (!stuck && !this.stopped && window.length < IN_FLIGHT) {
            if (next >= rows.length && !exhausted) {
              rows = await this.outbox.pending(partner, 4, lastSeq);
              next = 0;
              exhausted = rows.length === 0;
            }
            const row = rows[next];
            if (!row) break;
            let prepared: Prepared | false;
            try {
              prepared = await this.prepare(row);
            } catch {
              prepared = false;
            }
            if (!prepared) {
              // Nothing after it may go before it: what is on its way is answered, then the worker backs off.
              stuck = true;
              break;
            }
            next++;
            lastSeq = row.seq;
            sent++;
            window.push({ prepared, answer: this.post(prepared) });
          }
          const head = window.shift();
          if (!head) break;
          let settlement: Settlement | false;
          try {
            settlement = await this.answered(head.prepared, await head.answer);
          } catch {
            settlement = false;
          }
          // What followed a message that is tried again is tried again too, after it (the partner refused it
          // unread, or holds it and answers its replay with the same receipt).
          if (!settlement || !(await settling)) return backOff();
          // The partner holds this message (its signed receipt is verified), or refused it for good: settled
          // here while the next one is on its way. A crash before that commit sends this message again, and
          // the partner answers its replay with the same receipt. The settlement's transaction runs a turn of
          // the event loop later, once the next message is written, so the partner gets that one sooner.
          const { settle } = settlement;
          settling = new Promise<void>((resolve) => setImmediate(resolve)).then(settle).then(
            () => true,
            () => false,
          );
          this.backoff.delete(partner);
          // A refusal ended the partner's connection, and with it what was sent behind this message: read
          // the outbox again (after the settlement) and send the rest anew.
          if (!settlement.receipted) break;
        }
        if (stuck) {
          await settling;
          return backOff();
        }
        if (sent === 0) {
          this.backoff.delete(partner);
          return;
        }
      }
    } finally {
      await settling;
    }
  }

  /** A queued message ready to go: its sealed JWE and partner (false: try again later). */
  private async prepare(row: Row<'outbox'>): Promise<Prepared | false> {
    if (!isQueued(row.body)) return false;
    let body = row.body;
    if (this.outbox.now() - Date.parse(body.envelope.time) > RESEAL_AFTER_MS) {
      body = await this.outbox.reseal(row);
    }
    let jwe = await this.outbox.jwe(body);
    // No sealed copy (its file missing or damaged by a crash before the disk had it, or a row queued in clear
    // by an earlier version): sealed anew from the row.
    if (!jwe) {
      body = await this.outbox.reseal(row);
      jwe = await this.outbox.jwe(body);
      if (!jwe) return false;
    }
    const partner = await this.outbox.partners.get(body.envelope.recipient);
    if (!partner) return false;
    return { row, body, jwe, partner };
  }

  /** Posts a prepared message; a failure to reach the partner is an answer with status 0. */
  private post(p: Prepared): Promise<Answer> {
    return postToPartner(this.outbox, p.partner, p.jwe).catch((e: Error) => ({
      status: 0,
      contentType: '',
      body: e.message,
    }));
  }

  /**
   * The partner's answer to one message: false to retry later, else how to settle the row (receipted, or
   * refused for good), to be written while the next message goes out.
   */
  private async answered({ row, body, partner }: Prepared, res: Answer): Promise<Settlement | false> {
    const message = body.envelope;
    const at = new Date(this.outbox.now()).toISOString();
    if (res.status === 200) {
      const receipt = await this.outbox.receiptOf(partner, message.id, res.body);
      if (!receipt) return false;
      // A release's request is delivered now, or refused with the partner's reason (and an alarm).
      return { receipted: true, settle: () => this.outbox.settle(body, partner.party, { receipt }, at) };
    }
    if (RETRYABLE.has(res.status) || res.status === 0) return false;
    let code = `HTTP_${res.status}`;
    let reason: string | undefined;
    try {
      const error = (JSON.parse(res.body) as { error?: { code?: string; message?: string } }).error;
      code = error?.code ?? code;
      reason = error?.message;
    } catch {
      // not JSON
    }
    // Outside the partner's window (its clock, or a long wait): sealed anew with a fresh time, tried again.
    if (code === 'STALE_MESSAGE') {
      await this.outbox.reseal(row);
      return false;
    }
    // Refused for good (signature, recipient, malformed…): settle it so the queue behind it moves, and say so.
    const refusal = { code, ...(reason ? { message: reason } : {}) };
    return { receipted: false, settle: () => this.outbox.settle(body, partner.party, { refusal }, at) };
  }
}
