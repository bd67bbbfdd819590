import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ReltoError } from '../../errors/index.js';
import { readerLang } from '../../label/index.js';
import { type NodeService, readerBanners, readerLabel } from '../../node/index.js';
import type { CustodyKind } from '../../store/index.js';
import { personOf } from '../auth.js';
import type { HttpMetrics } from '../metrics.js';
import { statusOf, type TaxiiStatus, withStatus } from '../taxii/status.js';
import type { TypeBoxProvider } from '../type-provider.js';
import { alarmRoutes } from './alarm-routes.js';
import { analystRoutes } from './analyst-routes.js';
import {
  AuditEntries,
  AuditHead,
  AuditRangeQuery,
  ConsistencyProof,
  DecideAnswer,
  DecideBody,
  InclusionProof,
  InclusionQuery,
} from './audit-schemas.js';
import { briefRoutes } from './brief-routes.js';
import {
  Compromise,
  CompromiseAdvanceBody,
  CompromiseBody,
  CompromiseList,
  CompromiseParams,
  type CustodyAction,
  CustodyBody,
  CustodyList,
  CustodyParams,
  CustodyRecord,
  ReceivedCompromises,
  ReclassifyBody,
} from './custody-schemas.js';
import { feedRoutes } from './feed-routes.js';
import {
  ItemAnswer,
  ItemParams,
  ItemQuery,
  ItemsPage,
  ItemsQuery,
  PostResult,
  SearchAnswer,
  SearchBody,
  VersionList,
} from './item-schemas.js';
import { labelOfMarking } from './marking-body.js';
import { newsRoutes } from './news-routes.js';
import { partnerRoutes } from './partner-routes.js';
import { peopleRoutes } from './people-routes.js';
import { registryRoutes } from './registry-routes.js';
import {
  ApproveBody,
  ConsentAnswerBody,
  ConsentRequest,
  ConsentRequestBody,
  ConsentRequests,
  RefuseBody,
  ReleaseBody,
  ReleaseRequest,
  ReleaseRequests,
} from './release-schemas.js';
import { apiErrors, Bundle, NoContent, RequestParams } from './shared-schemas.js';

export interface ApiOptions {
  node: NodeService;
  metrics: HttpMetrics;
  maxContentLength: number;
  maxPageSize: number;
}

const errors = apiErrors(400, 401, 403, 404);
const custodyKinds: Record<
  CustodyAction,
  Exclude<CustodyKind, 'receipt' | 'destruction' | 'reclassification'>
> = {
  copy: 'copy',
  translate: 'translation',
  print: 'print',
  export: 'export',
  return: 'return',
};

function postResult(s: TaxiiStatus) {
  return {
    statusId: s.id,
    status: s.status,
    requestTimestamp: s.request_timestamp,
    totalCount: s.total_count,
    successCount: s.success_count,
    successes: s.successes,
    failureCount: s.failure_count,
    failures: s.failures,
    pendingCount: s.pending_count,
    pendings: s.pendings,
  };
}

/**
 * The node's own API under /api/v1 (camelCase JSON). Routes only translate: every rule is the node's.
 * Errors are `{"error": {code, message, path}}` with the status of the code (src/errors/codes.ts).
 */
export async function apiRoutes(parent: FastifyInstance, opts: ApiOptions): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxProvider>();
  const { node, metrics, maxPageSize } = opts;
  const p = '/api/v1';

  // items
  app.post(
    `${p}/items`,
    {
      bodyLimit: opts.maxContentLength,
      schema: {
        tags: ['items'],
        summary: 'Post a STIX bundle (one transaction: all stored, or none)',
        body: Bundle,
        response: { 201: PostResult, ...errors },
      },
    },
    async (request, reply) => {
      const result = await node.postObjects(personOf(request), request.body.objects).catch((e: unknown) => {
        throw withStatus(e);
      });
      metrics.objectsPosted.inc({ via: 'api' }, result.total);
      return reply.code(201).send(postResult(statusOf(result)));
    },
  );
  app.get(
    `${p}/items`,
    {
      schema: {
        tags: ['items'],
        summary: 'Items the signed-in person may read, redacted, with their marking-definitions',
        querystring: ItemsQuery,
        response: { 200: ItemsPage, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const person = personOf(request);
      const lang = readerLang(q.lang, request.headers['accept-language'], person.party);
      const page = await node.listObjects(person, {
        limit: Math.min(q.limit ?? maxPageSize, maxPageSize),
        ...(q.type ? { types: q.type } : {}),
        ...(q.id ? { ids: q.id } : {}),
        ...(q.addedAfter ? { addedAfter: q.addedAfter } : {}),
        ...(q.next ? { next: q.next } : {}),
      });
      return {
        items: page.objects,
        markings: page.markings,
        banners: readerBanners(node.registry, page.objects, page.markings, person.party, lang),
        more: page.more,
        ...(page.more && page.next ? { next: page.next } : {}),
      };
    },
  );
  app.get(
    `${p}/items/:id`,
    {
      schema: {
        tags: ['items'],
        summary: 'One item as the signed-in person may read it (404 when they may not see it)',
        params: ItemParams,
        querystring: ItemQuery,
        response: { 200: ItemAnswer, ...errors },
      },
    },
    async (request) => {
      const person = personOf(request);
      const lang = readerLang(request.query.lang, request.headers['accept-language'], person.party);
      const page = await node.getObject(person, request.params.id, {
        versions: request.query.version ?? ['last'],
        limit: maxPageSize,
      });
      const last = page.objects.at(-1);
      if (!last) throw new ReltoError('NOT_FOUND', `no item ${request.params.id}`);
      const label = readerLabel(node.registry, last, page.markings, person.party, lang);
      return { item: last, versions: page.objects, markings: page.markings, ...(label ? { label } : {}) };
    },
  );
  app.get(
    `${p}/items/:id/versions`,
    {
      schema: {
        tags: ['items'],
        summary: 'The versions of an item the signed-in person may see',
        params: ItemParams,
        response: { 200: VersionList, ...errors },
      },
    },
    async (request) => {
      const page = await node.versions(personOf(request), request.params.id, { limit: maxPageSize });
      if (page.versions.length === 0) throw new ReltoError('NOT_FOUND', `no item ${request.params.id}`);
      return {
        versions: page.versions,
        more: page.more,
        ...(page.more && page.next ? { next: page.next } : {}),
      };
    },
  );
  app.delete(
    `${p}/items/:id`,
    {
      schema: {
        tags: ['custody'],
        summary: 'Destroy an item: a destroy decision, then its key is erased so no copy can be read again',
        params: ItemParams,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      if (!(await node.destroyObject(personOf(request), request.params.id, {}))) {
        throw new ReltoError('NOT_FOUND', `no item ${request.params.id}`);
      }
      return reply.code(204).send(null);
    },
  );
  app.post(
    `${p}/search`,
    {
      schema: {
        tags: ['items'],
        summary: 'Full-text search over what the signed-in person may read',
        body: SearchBody,
        response: { 200: SearchAnswer, ...errors },
      },
    },
    async (request) => node.search(personOf(request), request.body),
  );

  // custody (R26), reclassification (R8): contracts §6 carries the new label as a marking-definition
  app.post(
    `${p}/items/:id/custody/:action`,
    {
      schema: {
        tags: ['custody'],
        summary:
          'Copy, translate, print, export or return an item: a decision, then a numbered custody record',
        params: CustodyParams,
        body: CustodyBody,
        response: { 201: CustodyRecord, ...errors },
      },
    },
    async (request, reply) => {
      const { id, action } = request.params;
      const record = await node.recordCustody(
        personOf(request),
        id,
        custodyKinds[action],
        request.body?.details,
      );
      return reply.code(201).send(record);
    },
  );
  app.get(
    `${p}/items/:id/custody`,
    {
      schema: {
        tags: ['custody'],
        summary: "An item's custody records",
        params: ItemParams,
        response: { 200: CustodyList, ...errors },
      },
    },
    async (request) => ({ records: await node.listCustody(personOf(request), request.params.id) }),
  );
  app.post(
    `${p}/items/:id/reclassify`,
    {
      schema: {
        tags: ['custody'],
        summary: "Reclassify one of this nation's items: every held version and copy is re-marked at once",
        params: ItemParams,
        body: ReclassifyBody,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      await node.reclassify(personOf(request), request.params.id, labelOfMarking(request.body.marking));
      return reply.code(204).send(null);
    },
  );

  // compromise reports (R28)
  app.post(
    `${p}/compromises`,
    {
      schema: {
        tags: ['compromise'],
        summary: 'Report a compromise of items (loss, unauthorised disclosure) to their originators',
        body: CompromiseBody,
        response: { 201: Compromise, ...errors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await node.reportCompromise(personOf(request), request.body)),
  );
  app.get(
    `${p}/compromises`,
    {
      schema: {
        tags: ['compromise'],
        summary: 'Compromise reports',
        response: { 200: CompromiseList, ...errors },
      },
    },
    async (request) => ({ reports: await node.listCompromises(personOf(request)) }),
  );
  app.post(
    `${p}/compromises/:id/advance`,
    {
      schema: {
        tags: ['compromise'],
        summary: 'Move a report to its next status (reported → investigating → findings-sent → closed)',
        params: CompromiseParams,
        body: CompromiseAdvanceBody,
        response: { 200: Compromise, ...errors, ...apiErrors(409) },
      },
    },
    async (request) => node.advanceCompromise(personOf(request), request.params.id, request.body),
  );

  // decisions (contracts §5 `relto client decide`): always for the signed-in person
  app.post(
    `${p}/decide`,
    {
      schema: {
        tags: ['decisions'],
        summary: "The node's decision for the signed-in person (any principal in the body is ignored)",
        body: DecideBody,
        response: { 200: DecideAnswer, ...errors },
      },
    },
    async (request) => {
      const { principal: _ignored, ...rest } = request.body;
      const answer = await node.decideFor(personOf(request), rest);
      metrics.decisions.inc({ outcome: answer.decision });
      return answer;
    },
  );

  // audit (R29, R35: the node shows a person who is not an auditor only their own entries)
  app.get(
    `${p}/audit/head`,
    { schema: { tags: ['audit'], summary: 'The signed tree head', response: { 200: AuditHead, ...errors } } },
    async (request) => node.auditHead(personOf(request)),
  );
  app.get(
    `${p}/audit/entries`,
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit entries with index in [from, to)',
        querystring: AuditRangeQuery,
        response: { 200: AuditEntries, ...errors },
      },
    },
    async (request) => ({
      entries: await node.auditEntries(personOf(request), request.query.from, request.query.to),
    }),
  );
  app.get(
    `${p}/audit/proofs/inclusion`,
    {
      schema: {
        tags: ['audit'],
        summary: 'RFC 9162 inclusion proof of one entry in a tree of the given size',
        querystring: InclusionQuery,
        response: { 200: InclusionProof, ...errors },
      },
    },
    async (request) => node.inclusionProof(personOf(request), request.query.index, request.query.treeSize),
  );
  app.get(
    `${p}/audit/proofs/consistency`,
    {
      schema: {
        tags: ['audit'],
        summary: 'RFC 9162 consistency proof between two tree sizes',
        querystring: AuditRangeQuery,
        response: { 200: ConsistencyProof, ...errors },
      },
    },
    async (request) => node.consistencyProof(personOf(request), request.query.from, request.query.to),
  );

  // release and consent (contracts §5, §9): answered by the node's exchange; 501 when the node runs without one.
  const exchange = () => {
    if (!node.exchange) {
      throw new ReltoError('NOT_IMPLEMENTED', 'this node runs without its exchange (relto serve --exchange)');
    }
    return node.exchange;
  };
  const tags = ['exchange'];
  const exchangeErrors = { ...errors, ...apiErrors(409, 501) };
  // Release requests: filed, then approved or refused once by a releasing officer; the state follows the
  // partner's answer (pending, delivered, refused) or the rules' (denied).
  const releaseAnswers = { 200: ReleaseRequest, ...exchangeErrors };
  type Release = Static<typeof ReleaseRequest>;
  app.post(
    `${p}/releases`,
    {
      schema: {
        tags,
        summary: 'File a release request to a partner (checked now; a releasing officer decides it)',
        body: ReleaseBody,
        response: releaseAnswers,
      },
    },
    async (request) => (await exchange().fileRelease(personOf(request), request.body)) as Release,
  );
  app.get(
    `${p}/releases`,
    {
      schema: {
        tags,
        summary: 'Release requests with their state',
        response: { 200: ReleaseRequests, ...exchangeErrors },
      },
    },
    async (request) => ({
      requests: (await exchange().listReleaseRequests(personOf(request))) as Release[],
    }),
  );
  app.post(
    `${p}/releases/:id/approve`,
    {
      schema: {
        tags,
        summary: 'Approve a release request (a releasing officer who did not file it); the rules decide it',
        params: RequestParams,
        body: ApproveBody,
        response: releaseAnswers,
      },
    },
    async (request) => (await exchange().approveRelease(personOf(request), request.params.id)) as Release,
  );
  app.post(
    `${p}/releases/:id/refuse`,
    {
      schema: {
        tags,
        summary: 'Refuse a release request, with a note (a releasing officer); nothing is sent',
        params: RequestParams,
        body: RefuseBody,
        response: releaseAnswers,
      },
    },
    async (request) =>
      (await exchange().refuseRelease(personOf(request), request.params.id, request.body.note)) as Release,
  );
  app.post(
    `${p}/consent-requests`,
    {
      schema: {
        tags,
        summary: "Ask an item's originator for consent (to pass it on, or for an action it controls)",
        body: ConsentRequestBody,
        response: { 200: ConsentRequest, ...exchangeErrors },
      },
    },
    async (request) => exchange().requestConsent(personOf(request), request.body),
  );
  app.get(
    `${p}/consent-requests`,
    {
      schema: {
        tags,
        summary: 'Consent requests asked of this nation and by it',
        response: { 200: ConsentRequests, ...exchangeErrors },
      },
    },
    async (request) => exchange().listConsentRequests(personOf(request)),
  );
  app.post(
    `${p}/consent-requests/:id/answer`,
    {
      schema: {
        tags,
        summary: 'Grant (`{}`) or refuse (`{"refuse": true}`) a consent request as the originator',
        params: RequestParams,
        body: ConsentAnswerBody,
        response: { 200: ConsentRequest, ...exchangeErrors },
      },
    },
    async (request) =>
      exchange().answerConsent(personOf(request), request.params.id, request.body.refuse === true),
  );
  await alarmRoutes(parent, { node });
  await analystRoutes(parent, { node });
  await peopleRoutes(parent, { node });
  await feedRoutes(parent, { node });
  await newsRoutes(parent, { node });
  await briefRoutes(parent, { node });
  await partnerRoutes(parent, { node });
  await registryRoutes(parent, { node });
  app.get(
    `${p}/exchange/compromises`,
    {
      schema: {
        tags,
        summary: "Partners' compromise reports about this nation's items (security officers)",
        response: { 200: ReceivedCompromises, ...exchangeErrors },
      },
    },
    async (request) => ({ reports: await exchange().compromisesReceived(personOf(request)) }),
  );
}
