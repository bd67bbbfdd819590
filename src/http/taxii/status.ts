import { randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import { ReltoError } from '../../errors/index.js';
import type { PostRefusal, PostResult } from '../../node/index.js';
import type { Status } from './schemas.js';

/** A TAXII 2.1 status resource (§4.3.1), every list present. */
export type TaxiiStatus = Required<Static<typeof Status>>;

/** The status of a post the node stored: every object a success (a post is stored whole or not at all). */
export function statusOf(result: PostResult): TaxiiStatus {
  return {
    id: result.id,
    status: 'complete',
    request_timestamp: result.at,
    total_count: result.total,
    success_count: result.total,
    successes: result.objects.map((o) => ({
      id: o.id,
      ...(o.version !== undefined ? { version: o.version } : {}),
      ...(o.outcome === 'duplicate' ? { message: 'already held' } : {}),
    })),
    failure_count: 0,
    failures: [],
    pending_count: 0,
    pendings: [],
  };
}

function isRefusal(details: unknown): details is PostRefusal {
  const d = details as Partial<PostRefusal> | undefined;
  return Array.isArray(d?.failures) && typeof d.total === 'number' && typeof d.at === 'string';
}

/** The status of a refused post: nothing stored, every object at fault among the failures. */
function refusedStatus(r: PostRefusal): TaxiiStatus {
  return {
    id: randomUUID(),
    status: 'complete',
    request_timestamp: r.at,
    total_count: r.total,
    success_count: 0,
    successes: [],
    failure_count: r.failures.length,
    failures: r.failures,
    pending_count: 0,
    pendings: [],
  };
}

/**
 * What a post's edge throws for an error the node threw: a refused post carries its TAXII status in its
 * details (both the TAXII and the API edge show it); any other error as it is.
 */
export function withStatus(e: unknown): unknown {
  if (e instanceof ReltoError && isRefusal(e.details)) {
    return new ReltoError(e.code, e.message, e.path, { status: refusedStatus(e.details) });
  }
  return e;
}
