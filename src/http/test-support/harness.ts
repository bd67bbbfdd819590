import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { NodeService } from '../../node/service.js';
import { type AppOptions, buildApp, type ReltoApp } from '../app.js';
import { TAXII_MEDIA_TYPE } from '../taxii/media.js';
import { apiRootPath } from '../taxii/routes.js';
import { basic } from './fixtures.js';

/** An app over a node, with helpers that speak TAXII and the API as a named test person. */
export interface Harness {
  app: ReltoApp;
  node: NodeService;
  root: string;
  objectsUrl: string;
  taxii(as: string, url: string, options?: Partial<InjectOptions>): Promise<LightMyRequestResponse>;
  postTaxii(as: string, objects: unknown[]): Promise<LightMyRequestResponse>;
  api(
    as: string,
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function harness(node: NodeService, options: AppOptions = {}): Promise<Harness> {
  const app = await buildApp(node, options);
  await app.ready();
  const root = apiRootPath(node.party);
  const objectsUrl = `${root}collections/${node.collectionId}/objects/`;
  const taxii: Harness['taxii'] = (as, url, opts = {}) =>
    app.inject({
      method: 'GET',
      url,
      ...opts,
      headers: { accept: TAXII_MEDIA_TYPE, authorization: basic(as), ...(opts.headers ?? {}) },
    });
  return {
    app,
    node,
    root,
    objectsUrl,
    taxii,
    postTaxii: (as, objects) =>
      taxii(as, objectsUrl, {
        method: 'POST',
        headers: { 'content-type': TAXII_MEDIA_TYPE },
        payload: JSON.stringify({ objects }),
      }),
    api: (as, method, url, payload) =>
      app.inject({
        method,
        url,
        headers: {
          authorization: basic(as),
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
      }),
    close: () => app.close(),
  };
}
