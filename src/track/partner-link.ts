import { createHash } from 'node:crypto';
import { type PeerCertificate, type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { TrackLogger } from './stage.js';

export interface PartnerEndpoint {
  /** The partner's party (must be the subject O of the certificate its node presents). */
  party: string;
  host: string;
  /** The partner node's CoT mutual-TLS port. */
  port: number;
}

/** A track queued for a partner, kept for resending after a reconnect. */
export interface Sent {
  bytes: Uint8Array;
  staleMs: number;
}

/** SHA-256 of the DER of the CA that issued a peer's certificate (as certificateFingerprint gives). */
export function issuerFingerprint(cert: PeerCertificate | undefined): string {
  const raw = (cert as { issuerCertificate?: PeerCertificate } | undefined)?.issuerCertificate?.raw;
  return raw ? createHash('sha256').update(raw).digest('hex') : '';
}

/** The serverAuth extended key usage (RFC 5280). */
export const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

/** Unsent bytes a partner link holds before it resets the connection. */
const MAX_LINK_BACKLOG = 64 * 1024 * 1024;

export interface PartnerLinkOptions {
  ca: string[];
  cert: string;
  key: string;
  log: TrackLogger;
  now: () => number;
  capacity: number;
  backoff: { min: number; max: number };
  /** Fingerprints of the CAs the partner's node certificate may come from (trust.partners). */
  pins?: string[];
}

/**
 * The outbound mutual-TLS link to one partner node. Keeps the last `capacity` tracks it was given; after a
 * reconnect it resends those not yet stale (TCP cannot tell what the peer read before the cut), and the
 * partner's bus drops the ones it already has by event key (R32), so a cut costs no track and adds no
 * duplicate.
 */
export class PartnerLink {
  private socket: TLSSocket | null = null;
  private connected = false;
  private stopped = false;
  private readonly ring: (Sent | undefined)[];
  private next = 0;
  private wait: number;
  private timer: NodeJS.Timeout | null = null;
  /** How many times the link (re)connected: tests watch it. */
  connects = 0;

  constructor(
    readonly partner: PartnerEndpoint,
    private readonly o: PartnerLinkOptions,
  ) {
    this.ring = new Array<Sent | undefined>(o.capacity);
    this.wait = o.backoff.min;
  }

  start(): void {
    if (this.stopped || this.socket) return;
    const s = tlsConnect({
      host: this.partner.host,
      port: this.partner.port,
      ca: this.o.ca,
      cert: this.o.cert,
      key: this.o.key,
      minVersion: 'TLSv1.2',
      // The partner's certificate names 127.0.0.1/localhost in the demo; its party is checked below.
      servername: this.partner.host === '127.0.0.1' ? 'localhost' : this.partner.host,
    });
    this.socket = s;
    s.setNoDelay(true);
    s.on('secureConnect', () => {
      const cert = s.getPeerCertificate(true);
      const o = cert?.subject?.O;
      const pins = this.o.pins;
      if (o !== this.partner.party || (pins !== undefined && !pins.includes(issuerFingerprint(cert)))) {
        this.o.log.error({ expected: this.partner.party, got: o }, 'partner link refused: wrong party');
        s.destroy();
        return;
      }
      this.connected = true;
      this.connects++;
      this.wait = this.o.backoff.min;
      this.o.log.info({ partner: this.partner.party }, 'partner link up');
      this.resend();
    });
    s.on('data', () => {
      // Pongs and nothing else come back on a link.
    });
    s.on('error', (e) =>
      this.o.log.debug({ partner: this.partner.party, err: e.message }, 'partner link error'),
    );
    s.on('close', () => {
      this.connected = false;
      this.socket = null;
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.start();
      }, this.wait);
      this.timer.unref();
      this.wait = Math.min(this.o.backoff.max, this.wait * 2);
    });
  }

  /** Queues one track; written at once when the link is up. */
  send(item: Sent): void {
    this.ring[this.next] = item;
    this.next = this.next + 1 === this.ring.length ? 0 : this.next + 1;
    if (!this.connected || !this.socket) return;
    const s = this.socket;
    if (s.writableLength > MAX_LINK_BACKLOG) {
      // The partner stopped reading: start again; the reconnect resends the ring, nothing grows unbounded.
      this.o.log.warn({ partner: this.partner.party }, 'partner link reset: the partner is not reading');
      s.destroy();
      return;
    }
    if (!s.writableCorked) {
      s.cork();
      process.nextTick(() => s.uncork());
    }
    s.write(item.bytes);
  }

  /** The link's socket, for tests that kill a connection mid-stream. */
  get currentSocket(): TLSSocket | null {
    return this.socket;
  }

  get up(): boolean {
    return this.connected;
  }

  private resend(): void {
    const s = this.socket;
    if (!s) return;
    const t = this.o.now();
    const n = this.ring.length;
    s.cork();
    for (let i = 0; i < n; i++) {
      const item = this.ring[(this.next + i) % n];
      if (item && item.staleMs > t) s.write(item.bytes);
    }
    s.uncork();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.destroy();
    this.socket = null;
  }
}
