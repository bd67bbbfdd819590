import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ReltoError } from '../../errors/index.js';
import type { NodeService } from '../../node/index.js';
import { personOf } from '../auth.js';
import { documented } from '../openapi.js';
import type { TypeBoxProvider } from '../type-provider.js';
import { apiErrors, EXAMPLE_AT } from './shared-schemas.js';

const Fingerprint = Type.Object({
  fingerprint: Type.String(),
  kid: Type.Optional(Type.String({ description: 'the key id the partner gave the key, if any' })),
});

const PartnerShape = Type.Object({
  party: Type.String(),
  url: Type.String({ description: "where the partner's exchange listens" }),
  status: Type.String(),
  addedAt: Type.String(),
  updatedAt: Type.String({ description: 'when its keys or address last changed' }),
  keys: Type.Object({
    signing: Type.Object(Fingerprint.properties, {
      description: 'RFC 7638 SHA-256 thumbprint (base64url) of its Ed25519 signing key',
    }),
    encryption: Type.Object(Fingerprint.properties, {
      description: 'RFC 7638 SHA-256 thumbprint (base64url) of its X25519 encryption key',
    }),
    tlsCa: Type.Object(
      { fingerprint: Type.String() },
      { description: 'SHA-256 (hex) of the CA certificate its TLS certificates come from' },
    ),
  }),
});

export const PartnerList = documented(
  Type.Object({ partners: Type.Array(PartnerShape) }),
  "the node's partners with their addresses and key fingerprints (never key material)",
  {
    partners: [
      {
        party: 'JPN',
        url: 'https://jpn.example:7443',
        status: 'active',
        addedAt: EXAMPLE_AT,
        updatedAt: EXAMPLE_AT,
        keys: {
          signing: { fingerprint: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k' },
          encryption: { fingerprint: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' },
          tlsCa: { fingerprint: '3b1f0c0e5d5a1b2f8f5e6c9d0a7b4e3c2d1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b' },
        },
      },
    ],
  },
);

const errors = apiErrors(401, 403, 501);

/** The partner book for administrators: who the node exchanges with, where, and which keys it trusts. */
export async function partnerRoutes(parent: FastifyInstance, opts: { node: NodeService }): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxProvider>();
  const { node } = opts;
  app.get(
    '/api/v1/partners',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Partners and the fingerprints of their keys (administrators)',
        response: { 200: PartnerList, ...errors },
      },
    },
    async (request) => {
      if (!node.exchange) {
        throw new ReltoError(
          'NOT_IMPLEMENTED',
          'this node runs without its exchange (relto serve --exchange)',
        );
      }
      return { partners: await node.exchange.listPartners(personOf(request)) };
    },
  );
}
