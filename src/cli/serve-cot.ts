import { readFileSync } from 'node:fs';
import { NatsTrackBus, type TrackBus } from '../bus/index.js';
import { ReltoError } from '../errors/index.js';
import { certificateFingerprint, ensureIdentity } from '../identity/index.js';
import type { Label } from '../label/index.js';
import type { ReltoNode } from '../node/index.js';
import {
  type PartnerEndpoint,
  type StandingConsent,
  StandingConsents,
  startTrackServices,
  type TrackLogger,
  type TrackServices,
} from '../track/index.js';

export interface CotCliOptions {
  cotTls?: string;
  cotTcp?: string;
  nats?: string;
  cotPartner?: string[];
  cotCa?: string[];
  cotFeeds?: string;
  cotConsents?: string;
}

function port(text: string, what: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 0 || v > 65535) {
    throw new ReltoError('INVALID_ARGUMENT', `--${what} takes a port number, not ${text}`, `/${what}`);
  }
  return v;
}

function partner(text: string): PartnerEndpoint {
  const m = /^([A-Z]{3})=(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  if (!m)
    throw new ReltoError(
      'INVALID_ARGUMENT',
      `--cot-partner takes PARTY=HOST:PORT, not ${text}`,
      '/cotPartner',
    );
  return { party: m[1]!, host: (m[2] ?? m[3])!, port: port(m[4]!, 'cot-partner') };
}

function json(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ReltoError('INVALID_ARGUMENT', `${what} ${file}: ${(e as Error).message}`, `/${what}`);
  }
}

/**
 * The CoT part of `relto serve`: nothing unless --cot-tls or --cot-tcp is given. TLS from the node's
 * identity in DATA/keys (made at first start by ensureIdentity: its CA, its server + client certificate);
 * the bus on NATS with --nats or RELTO_NATS_URL, else in-process.
 */
export async function startCotFromCli(
  node: ReltoNode,
  dataDir: string,
  opts: CotCliOptions,
  logger: TrackLogger,
): Promise<{ services: TrackServices; nats: string | null; close(): Promise<void> } | null> {
  if (opts.cotTls === undefined && opts.cotTcp === undefined) return null;
  const identity = await ensureIdentity(dataDir, node.party);
  const ca = [identity.tls.ca.certPem, ...(opts.cotCa ?? []).map((f) => readFileSync(f, 'utf8'))];
  const natsUrl = opts.nats ?? process.env.RELTO_NATS_URL;
  let bus: TrackBus | undefined;
  if (natsUrl) {
    bus = await NatsTrackBus.connect({
      url: natsUrl,
      stream: `RELTO_TRACKS_${node.party}`,
      subject: `relto.${node.party}.tracks`,
    });
  }
  const consents = new StandingConsents();
  if (opts.cotConsents) {
    const list = json(opts.cotConsents, 'cotConsents');
    if (!Array.isArray(list))
      throw new ReltoError('INVALID_ARGUMENT', 'consents: a JSON array', '/cotConsents');
    for (const c of list as StandingConsent[]) consents.grant(c);
  }
  const feeds = opts.cotFeeds ? (json(opts.cotFeeds, 'cotFeeds') as Record<string, Label>) : undefined;
  const services = await startTrackServices(node, {
    ...(opts.cotTls !== undefined ? { cotTls: port(opts.cotTls, 'cot-tls') } : {}),
    ...(opts.cotTcp !== undefined ? { cotTcp: port(opts.cotTcp, 'cot-tcp') } : {}),
    tls: { ca, cert: identity.tls.certPem, key: identity.tls.keyPem },
    // The node's people hold certificates of its own CA only: a partner's CA (--cot-ca) cannot mint them.
    trust: { people: [certificateFingerprint(identity.tls.ca.certPem)] },
    partners: (opts.cotPartner ?? []).map(partner),
    ...(bus ? { bus } : {}),
    ...(feeds ? { feeds } : {}),
    standingConsents: consents,
    logger,
  });
  const close = async () => {
    await services.close();
    await bus?.close();
  };
  return { services, nats: natsUrl ?? null, close };
}
