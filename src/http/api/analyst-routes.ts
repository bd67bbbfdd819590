import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ReltoError } from '../../errors/index.js';
import { assertValidLabel } from '../../label/index.js';
import type { NodeService } from '../../node/index.js';
import { labelToMarking } from '../../stix/index.js';
import { personOf } from '../auth.js';
import type { TypeBoxProvider } from '../type-provider.js';
import { ItemReleases, LabelsAnswer, LabelsBody } from './analyst-schemas.js';
import { ItemParams } from './item-schemas.js';
import type { ReleaseRequest } from './release-schemas.js';
import { apiErrors } from './shared-schemas.js';

const errors = apiErrors(400, 401, 403, 404);
type Release = Static<typeof ReleaseRequest>;

/**
 * What the analyst's screens need beside the item routes: the marking-definitions of the labels an editor
 * chose (their ids are hashes of the label's canonical form, made here with the one implementation, so a
 * browser posts exactly what the node would make), and the release history of one item, shown only to whom
 * may read the item.
 */
export async function analystRoutes(parent: FastifyInstance, opts: { node: NodeService }): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxProvider>();
  const { node } = opts;
  const p = '/api/v1';

  app.post(
    `${p}/labels`,
    {
      schema: {
        tags: ['items'],
        summary: "Labels as marking-definitions (checked against the node's registry; nothing is stored)",
        body: LabelsBody,
        response: { 200: LabelsAnswer, ...errors },
      },
    },
    async (request) => {
      personOf(request);
      const markings = request.body.labels.map(
        (label, i) =>
          labelToMarking(assertValidLabel(node.registry, label, `/labels/${i}`)) as unknown as Record<
            string,
            unknown
          >,
      );
      return { markings } as Static<typeof LabelsAnswer>;
    },
  );

  app.get(
    `${p}/items/:id/releases`,
    {
      schema: {
        tags: ['exchange'],
        summary: 'The release requests naming one item (404 when the signed-in person may not read it)',
        params: ItemParams,
        response: { 200: ItemReleases, ...errors, ...apiErrors(501) },
      },
    },
    async (request) => {
      const person = personOf(request);
      const id = request.params.id;
      // The history of an item is shown only to whom the node's decision lets read the item (R35's spirit:
      // a history must not reveal what its reader may not see).
      const page = await node.getObject(person, id, { versions: ['last'], limit: 1 });
      if (page.objects.length === 0) throw new ReltoError('NOT_FOUND', `no item ${id}`);
      if (!node.exchange) return { requests: [] };
      const all = (await node.exchange.listReleaseRequests(person)) as Release[];
      return { requests: all.filter((r) => r.item === id || r.items?.includes(id)).map((r) => only(r, id)) };
    },
  );
}

/**
 * A release request as seen from one of its items: the other items of a batch (and a denial that was about
 * another of them) are not this item's history, and the reader may not be able to read them.
 */
function only(request: Release, id: string): Release {
  const { items: _items, deniedItem, decision, ...rest } = request;
  const aboutOther = deniedItem !== undefined && deniedItem !== id;
  return {
    ...rest,
    item: id,
    ...(deniedItem === id ? { deniedItem } : {}),
    ...(decision && !aboutOther ? { decision } : {}),
  };
}
