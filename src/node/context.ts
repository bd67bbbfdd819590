import type { CompiledRegistry } from '../registry/index.js';
import type { StixValidator } from '../stix/index.js';
import type { Store } from '../store/index.js';
import type { AuditLog } from './audit-log.js';
import { Decider } from './decider.js';
import type { HeldConsents } from './held-consents.js';
import type { LabelBook } from './labels.js';
import type { People } from './people.js';
import type { Person } from './service.js';

/** What every part of the node (ingest, serve, custody) works with. */
export interface NodeContext {
  readonly party: string;
  readonly identityId: string;
  readonly collectionId: string;
  readonly registry: CompiledRegistry;
  readonly store: Store;
  readonly book: LabelBook;
  readonly audit: AuditLog;
  readonly people: People;
  readonly validator: StixValidator;
  readonly clock: () => number;
  /** Ids of the fixed relto objects (identities, extension definitions): public, served without a label. */
  readonly fixedIds: ReadonlySet<string>;
  /** The originator-signed consents held per item (R15–R17); they join the item's label in every decision. */
  readonly consents?: HeldConsents;
}

export function nowIso(ctx: NodeContext): string {
  return new Date(ctx.clock()).toISOString();
}

/**
 * A fresh per-request decider for a person (decisions cached within the request only), with the items' held
 * consents (R15–R17) and the purpose the person states, if any (R17).
 */
export function deciderFor(ctx: NodeContext, person: Person, purpose?: string): Decider {
  return new Decider(person, ctx.registry, ctx.book, ctx.party, nowIso(ctx), ctx.consents?.of, purpose);
}
