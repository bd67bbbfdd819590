import { afterEach, describe, expect, it } from 'vitest';
import { codeMeaning } from '../errors/index.js';
import { exchangeRowShapes } from './migrations.js';
import type { ExchangeRowInput } from './store.js';
import { PG, postgres, sqlite } from './test-support/bare.js';

const envelope = {
  sender: 'KOR',
  recipient: 'JPN',
  time: '2026-03-01T00:00:00.000Z',
  kind: 'release',
  under: null,
  decision: null,
};
const proof = { proof: ['p'], leafIndex: 1, treeSize: 2, originatorJws: 'eyJ9..sig' };
const report = { type: 'report', id: 'report--1', modified: '2026-03-01T00:00:00.000Z', name: 'words' };
const marking = { type: 'marking-definition', id: 'marking-definition--1' };
const request = (id: string, message: string) => ({
  id,
  item: 'report--1',
  to: 'JPN',
  by: 'analyst',
  at: '2026-03-01T00:00:00.000Z',
  status: 'approved',
  approvedBy: 'officer',
  message,
});

/** Rows as earlier versions wrote them, and rows already in today's shapes. */
const rows: ExchangeRowInput[] = [
  {
    kind: 'outbox',
    key: 'legacy',
    partner: 'JPN',
    status: 'pending',
    body: { message: { ...envelope, id: 'legacy', items: [{ object: report, ...proof, consents: [] }] } },
  },
  {
    kind: 'outbox',
    key: 'm-delivered',
    partner: 'JPN',
    status: 'delivered',
    body: {
      message: { ...envelope, id: 'm-delivered', items: ['report--1'] },
      receipt: { at: '2026-03-02T00:00:00.000Z', items: [{ id: 'report--1', status: 'stored' }] },
    },
  },
  {
    kind: 'outbox',
    key: 'm-refused',
    partner: 'JPN',
    status: 'refused',
    body: { message: { ...envelope, id: 'm-refused', items: ['report--1'] }, refusal: 'BAD_SIGNATURE' },
  },
  {
    kind: 'outbox',
    key: 'm-pending',
    partner: 'JPN',
    status: 'pending',
    body: { jwe: 'x.y.z', envelope: { ...envelope, id: 'm-pending' }, items: [] },
  },
  {
    kind: 'signed',
    key: marking.id,
    ref: marking.id,
    status: 'held',
    body: { record: { object: marking, ...proof } },
  },
  {
    kind: 'signed',
    key: `${report.id}|${report.modified}`,
    ref: report.id,
    status: 'held',
    body: { record: { object: report, ...proof } },
  },
  { kind: 'release-request', key: 'rr-1', status: 'approved', body: request('rr-1', 'm-delivered') },
  { kind: 'release-request', key: 'rr-2', status: 'approved', body: request('rr-2', 'm-refused') },
  { kind: 'release-request', key: 'rr-3', status: 'approved', body: request('rr-3', 'm-pending') },
  {
    kind: 'release-request',
    key: 'rr-4',
    status: 'pending',
    body: { ...request('rr-4', 'm-pending'), status: 'pending' },
  },
];

for (const [name, make] of [
  ['SQLite', sqlite],
  ...(PG ? ([['PostgreSQL', postgres]] as const) : []),
] as const) {
  describe(`migration 0005: exchange rows in one shape per kind (${name})`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => cleanup?.());

    it('rewrites a message queued in clear, an object kept in its signed record and an `approved` release request; leaves today’s rows as they are', async () => {
      const h = make();
      let store = await h.open();
      cleanup = async () => {
        await store.close();
        await h.cleanup();
      };
      await store.putExchangeRows(rows);
      const before = await store.getExchange('outbox', 'm-pending');
      await store.close();
      const db = h.bare();
      try {
        await exchangeRowShapes.up(db);
      } finally {
        await db.destroy();
      }
      store = await h.open();

      const legacy = await store.getExchange('outbox', 'legacy');
      expect(legacy?.status).toBe('pending');
      expect(legacy?.body).toEqual({
        envelope: { ...envelope, id: 'legacy' },
        items: [{ object: report, ...proof, consents: [] }],
      });
      expect(await store.getExchange('outbox', 'm-pending')).toEqual(before);
      expect((await store.getExchange('outbox', 'm-refused'))?.body).toEqual(rows[2]!.body);

      expect((await store.getExchange('signed', marking.id))?.body).toEqual(rows[4]!.body);
      expect((await store.getExchange('signed', `${report.id}|${report.modified}`))?.body).toEqual({
        version: report.modified,
        ...proof,
      });

      const delivered = await store.getExchange('release-request', 'rr-1');
      expect(delivered?.status).toBe('delivered');
      expect(delivered?.body).toMatchObject({ status: 'delivered', deliveredAt: '2026-03-02T00:00:00.000Z' });
      const refused = await store.getExchange('release-request', 'rr-2');
      expect(refused?.status).toBe('refused');
      expect(refused?.body).toMatchObject({
        status: 'refused',
        refusal: {
          by: 'node:JPN',
          party: 'JPN',
          code: 'BAD_SIGNATURE',
          reason: codeMeaning('BAD_SIGNATURE'),
        },
      });
      const pending = await store.getExchange('release-request', 'rr-3');
      expect(pending?.status).toBe('pending');
      expect(pending?.body).toMatchObject({ status: 'pending' });
      expect((await store.getExchange('release-request', 'rr-4'))?.body).toEqual(rows[9]!.body);
    });
  });
}
