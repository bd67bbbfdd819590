import { isFixedObject, partyIdentityId } from '../../stix/index.js';
import type { StixObject } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import type { KnownMarking } from '../labels.js';

/** One object a local post may not bring in, and why (the admission path lists it in the TAXII failures). */
export interface ForeignFailure {
  id: string;
  message: string;
}

/** What the admission path planned to store: each object with every relto label it uses (floor and granular). */
export interface PlannedObject {
  object: StixObject;
  labels: ReadonlySet<string>;
}

const EXCHANGE_ONLY =
  "a partner's objects, versions and labels enter this node only through the exchange, signed by their originator";

/** Ids fetched from the store per query when looking for held partner items. */
const HELD_CHUNK = 500;

/**
 * R25 at the one admission path: a local post (API, TAXII, `relto client post`) may bring in only what this
 * node's own party originates. Refused, per object:
 * - a relto label posted, or used by an object (as its floor or a granular marking), whose originator is
 *   another party, and a receiver-equivalent label made for another party;
 * - an object or label whose `created_by_ref` is the identity of another party of the registry;
 * - an object whose id this node holds as received from a partner (a new version of the partner's item, or
 *   the same version again): a relayed item keeps its originator's signature and cannot be altered.
 * Fixed relto objects (the parties' identities, the extension definitions) are not posted content.
 */
export async function foreignOriginatorFailures(
  ctx: NodeContext,
  all: readonly StixObject[],
  posted: ReadonlyMap<string, KnownMarking>,
  plans: readonly PlannedObject[],
  resolve: (id: string) => KnownMarking | undefined,
): Promise<ForeignFailure[]> {
  const own = ctx.party;
  const partyOfIdentity = new Map<string, string>();
  for (const p of ctx.registry.parties.keys()) {
    if (p !== own) partyOfIdentity.set(partyIdentityId(p), p);
  }
  const problems = new Map<string, string[]>();
  const add = (id: string, problem: string) => {
    const list = problems.get(id) ?? [];
    if (!list.includes(problem)) list.push(problem);
    problems.set(id, list);
  };

  for (const o of all) {
    if (isFixedObject(o) && ctx.fixedIds.has(o.id)) continue;
    const by = typeof o.created_by_ref === 'string' ? partyOfIdentity.get(o.created_by_ref) : undefined;
    if (by) add(o.id, `created_by_ref names ${by}'s identity, and this node is ${own}`);
  }
  for (const k of posted.values()) {
    if (k.label && k.label.originator !== own) {
      add(k.id, `a label originated by ${k.label.originator}, and this node is ${own}`);
    }
    if (k.alternative && k.alternative.party !== own) {
      add(k.id, `an equivalent label made by ${k.alternative.party}, and this node is ${own}`);
    }
  }
  for (const { object, labels } of plans) {
    for (const l of labels) {
      const originator = resolve(l)?.label?.originator;
      if (originator && originator !== own) {
        add(object.id, `marked with ${l}, a label originated by ${originator}, and this node is ${own}`);
      }
    }
  }

  // Items held as received: every version stored here carries its originator in a clear column.
  const ids = [...new Set(plans.map((p) => p.object.id))];
  for (let i = 0; i < ids.length; i += HELD_CHUNK) {
    let after: string | null = null;
    do {
      const page = await ctx.store.fetchObjects(
        { ids: ids.slice(i, i + HELD_CHUNK), versions: ['all'], withContent: false },
        { after, limit: 1000 },
      );
      for (const row of page.rows) {
        if (row.originator && row.originator !== own) {
          add(row.id, `this node holds ${row.id} as received from ${row.originator}`);
        }
      }
      after = page.next;
    } while (after);
  }

  return [...problems].map(([id, list]) => ({ id, message: `${list.join('; ')}: ${EXCHANGE_ONLY}` }));
}
