import type { NodeService } from '../../node/service.js';
import { FakeNode } from './fake-node.js';
import { PEOPLE } from './fixtures.js';

/** The nodes the HTTP tests run against, each with the people of PEOPLE. */
export const nodeFactories: Record<string, () => Promise<NodeService>> = {
  fake: async () => new FakeNode(PEOPLE),
};
