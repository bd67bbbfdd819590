import { describe, expect, it } from 'vitest';
import { stamp, type WithStore } from './fixtures.js';

/** Node meta, people (R36) and their sessions. */
export function peopleTests(withStore: WithStore): void {
  it('runs migrations once: reopening an existing store keeps its data', () =>
    withStore(async (store, harness) => {
      await store.setMeta('party', 'KOR');
      await store.close();
      const again = await harness.open();
      try {
        expect(await again.getMeta('party')).toBe('KOR');
      } finally {
        await again.close();
      }
    }));

  it('keeps node meta as key/value, overwriting on set', () =>
    withStore(async (store) => {
      expect(await store.getMeta('party')).toBeNull();
      await store.setMeta('party', 'KOR');
      await store.setMeta('party', 'JPN');
      expect(await store.getMeta('party')).toBe('JPN');
    }));

  describe('people', () => {
    const alice = {
      name: 'alice',
      party: 'KOR',
      clearance: 'II',
      roles: ['analyst'],
      designations: [],
      restrictive: { Compartment: ['BMD'] },
      contractor: false,
      official: true,
      passwordHash: 'scrypt$x',
    };

    it('creates a person once and refuses the same name again', () =>
      withStore(async (store) => {
        const created = await store.createUser(alice);
        expect(created).toMatchObject({ ...alice, disabled: false, version: 1 });
        await expect(store.createUser(alice)).rejects.toMatchObject({ code: 'CONFLICT' });
        expect((await store.listUsers()).map((u) => u.name)).toEqual(['alice']);
      }));

    it('bumps the version on every change so sessions can be cut at once (R36)', () =>
      withStore(async (store) => {
        await store.createUser(alice);
        const lowered = await store.updateUser('alice', { clearance: 'III', restrictive: {} });
        expect(lowered.version).toBe(2);
        expect(lowered.clearance).toBe('III');
        expect(lowered.restrictive).toEqual({});
        const disabled = await store.updateUser('alice', { disabled: true });
        expect(disabled.version).toBe(3);
        expect((await store.getUser('alice'))?.disabled).toBe(true);
        await expect(store.updateUser('nobody', { disabled: true })).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
      }));

    it('keeps a language per person, null until chosen, without bumping the version', () =>
      withStore(async (store) => {
        expect((await store.createUser(alice)).lang).toBeNull();
        const chosen = await store.setUserLang('alice', 'ja');
        expect(chosen).toMatchObject({ lang: 'ja', version: 1 });
        expect((await store.getUser('alice'))?.lang).toBe('ja');
        expect((await store.setUserLang('alice', null)).lang).toBeNull();
        await expect(store.setUserLang('nobody', 'en')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      }));
  });

  it('finds sessions by token hash until they expire, and deletes them per person', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    return withStore(
      async (store) => {
        await store.createSession({
          tokenHash: 'h1',
          userName: 'alice',
          kind: 'session',
          expiresAt: stamp(400),
        });
        await store.createSession({
          tokenHash: 'h2',
          userName: 'alice',
          kind: 'token',
          expiresAt: stamp(400),
        });
        await store.createSession({
          tokenHash: 'h3',
          userName: 'bob',
          kind: 'session',
          expiresAt: '2026-01-01T01:00:00.000Z',
        });
        expect((await store.getSession('h1'))?.userName).toBe('alice');
        expect(await store.getSession('h3')).not.toBeNull();
        now += 2 * 3_600_000;
        expect(await store.getSession('h3')).toBeNull();
        // an expired one can still be found on purpose, so the node can say it expired
        expect((await store.getSession('h3', { includeExpired: true }))?.expiresAt).toBe(
          '2026-01-01T01:00:00.000Z',
        );
        expect(await store.deleteExpiredSessions(new Date(now).toISOString())).toBe(1);
        expect(await store.deleteSessionsOfUser('alice')).toBe(2);
        expect(await store.getSession('h1')).toBeNull();
      },
      { now: () => now },
    );
  });
}
