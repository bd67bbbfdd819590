import { ReltoError } from '../../errors/index.js';
import type { ObjectFilter } from '../../node/index.js';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The alternatives of a `match[…]` parameter: repeated parameters and comma-separated values alike. */
function alternatives(values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const out = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return out.length === 0 ? undefined : out;
}

export interface TaxiiQuery {
  added_after?: string;
  limit?: number;
  next?: string;
  'match[id]'?: string[];
  'match[type]'?: string[];
  'match[version]'?: string[];
  'match[spec_version]'?: string[];
}

/** TAXII 2.1 URL filters (§3.4–3.5) as the node's filter; the page size is capped by the server's own. */
export function toObjectFilter(query: TaxiiQuery, maxPageSize: number): ObjectFilter {
  // TAXII 2.1: the marking-definitions are objects of the collection, counted by `limit` and `match[…]`.
  const filter: ObjectFilter = {
    limit: Math.min(query.limit ?? maxPageSize, maxPageSize),
    markingsAsObjects: true,
  };
  if (query.added_after !== undefined) filter.addedAfter = query.added_after;
  if (query.next !== undefined) filter.next = query.next;
  const ids = alternatives(query['match[id]']);
  if (ids) filter.ids = ids;
  const types = alternatives(query['match[type]']);
  if (types) filter.types = types;
  const versions = alternatives(query['match[version]']);
  if (versions) {
    for (const v of versions) {
      if (v !== 'last' && v !== 'first' && v !== 'all' && !TIMESTAMP.test(v)) {
        throw new ReltoError(
          'MALFORMED_REQUEST',
          `match[version] takes last, first, all or a timestamp, not ${v}`,
        );
      }
    }
    filter.versions = versions;
  }
  const specVersions = alternatives(query['match[spec_version]']);
  if (specVersions) filter.specVersions = specVersions;
  return filter;
}
