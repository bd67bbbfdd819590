import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './people.js';
import {
  addKorPeople,
  DIALECTS,
  HIGH_ID,
  labelMarkings,
  makeNode,
  mixedReport,
  type NodeHarness,
  PASSWORD,
} from './test-support/node-harness.js';

describe('passwords', () => {
  it('are scrypt hashes with their parameters and a fresh salt in the string', async () => {
    const a = await hashPassword('a good password');
    const b = await hashPassword('a good password');
    expect(a).toMatch(/^scrypt\$N=\d+,r=\d+,p=\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('a good password', a)).toBe(true);
    expect(await verifyPassword('a good passwore', a)).toBe(false);
    expect(await verifyPassword('a good password', 'plain')).toBe(false);
  });
});

for (const dialect of DIALECTS) {
  describe(`people (${dialect})`, () => {
    let h: NodeHarness | undefined;
    afterEach(async () => {
      await h?.cleanup();
      h = undefined;
    });

    it('a person is the user as the rules engine sees them (contracts §4), with their version', async () => {
      h = await makeNode(dialect);
      const node = await h.open();
      try {
        await node.admin.addUser({
          name: 'jo',
          password: PASSWORD,
          clearance: 'II',
          roles: ['analyst'],
          restrictive: { Compartment: ['BMD'] },
          contractor: true,
          official: false,
        });
        expect(await node.authenticateBasic('jo', 'wrong password')).toBeNull();
        expect(await node.authenticateBasic('nobody', PASSWORD)).toBeNull();
        expect(await node.authenticateBasic('jo', PASSWORD)).toEqual({
          id: 'jo',
          name: 'jo',
          party: 'KOR',
          clearance: 'II',
          designations: [],
          restrictive: { Compartment: ['BMD'] },
          roles: ['analyst'],
          official: false,
          contractor: true,
          version: 1,
          lang: null,
        });
        await expect(
          node.admin.addUser({ name: 'jo', password: PASSWORD, clearance: 'II', roles: [] }),
        ).rejects.toMatchObject({
          code: 'CONFLICT',
        });
        await expect(
          node.admin.addUser({
            name: 'tk',
            password: PASSWORD,
            clearance: 'II',
            roles: [],
            designations: ['TOKUTEI'],
          }),
        ).resolves.toMatchObject({ designations: ['TOKUTEI'] });
      } finally {
        await node.close();
      }
    });

    it('R36: lowering a clearance through the admin API cuts what an open session sees at once, and tells listeners', async () => {
      h = await makeNode(dialect);
      const node = await h.open();
      try {
        const people = await addKorPeople(node);
        const doc = mixedReport();
        await node.postObjects(people.analyst!, [...labelMarkings(), doc]);
        const { token } = await node.issueToken(people.analyst!, 'session');
        const heard: string[] = [];
        node.onPersonChanged((name) => heard.push(name));
        expect(
          JSON.stringify(await node.getObject((await node.authenticateToken(token))!, doc.id, {})),
        ).toContain(HIGH_ID);
        await node.admin.setUser('analyst', { clearance: 'III' });
        expect(heard).toEqual(['analyst']);
        const session = (await node.authenticateToken(token))!;
        expect(session).toMatchObject({ clearance: 'III', version: 2 });
        expect(JSON.stringify(await node.getObject(session, doc.id, {}))).not.toContain(HIGH_ID);
        // A stream holding the old Person view gets the new one (or null) from refreshPerson.
        expect(await node.refreshPerson(people.analyst!)).toMatchObject({ clearance: 'III' });
        await node.admin.setUser('analyst', { disabled: true });
        expect(await node.refreshPerson(people.analyst!)).toBeNull();
        expect(await node.authenticateToken(token)).toBeNull();
      } finally {
        await node.close();
      }
    });

    it('R36: a change made by another process reaches listeners by polling, without any request', async () => {
      h = await makeNode(dialect);
      const watcher = await h.open({ watchPeopleMs: 20 });
      const other = await h.open();
      try {
        await addKorPeople(watcher);
        await new Promise((r) => setTimeout(r, 60));
        const heard: string[] = [];
        watcher.onPersonChanged((name) => heard.push(name));
        await other.admin.setUser('analyst-low', { roles: ['analyst', 'watch-officer'] });
        for (let i = 0; i < 50 && heard.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
        expect(heard).toEqual(['analyst-low']);
      } finally {
        await other.close();
        await watcher.close();
      }
    });

    it('tokens are stored hashed, revocable, and refused when unknown', async () => {
      h = await makeNode(dialect);
      const node = await h.open();
      try {
        const people = await addKorPeople(node);
        const { token, expiresAt } = await node.issueToken(people.analyst!, 'token');
        expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
        expect(await node.store.getSession(token)).toBeNull(); // only its hash is a key
        expect((await node.authenticateToken(token))?.name).toBe('analyst');
        await node.revokeToken(token);
        expect(await node.authenticateToken(token)).toBeNull();
        expect(await node.authenticateToken('x'.repeat(43))).toBeNull();
      } finally {
        await node.close();
      }
    });

    it("a web session's CSRF value is the node's keyed digest of its token: one per session, the same after a restart", async () => {
      h = await makeNode(dialect);
      let node = await h.open();
      let a: string;
      let csrf: string;
      try {
        const people = await addKorPeople(node);
        a = (await node.issueToken(people.analyst!, 'session')).token;
        const b = (await node.issueToken(people.analyst!, 'session')).token;
        csrf = await node.sessionCsrf(a);
        expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(await node.sessionCsrf(a)).toBe(csrf);
        expect(await node.sessionCsrf(b)).not.toBe(csrf);
      } finally {
        await node.close();
      }
      node = await h.open();
      try {
        expect(await node.sessionCsrf(a)).toBe(csrf);
      } finally {
        await node.close();
      }
    });

    it('a person chooses their language (ko, ja, en) without changing their version, so nothing open is cut', async () => {
      h = await makeNode(dialect);
      const node = await h.open();
      try {
        const people = await addKorPeople(node);
        const changed: string[] = [];
        node.onPersonChanged((name) => changed.push(name));
        const analyst = people.analyst!;
        const chosen = await node.setLang(analyst, 'ja');
        expect(chosen).toMatchObject({ name: 'analyst', lang: 'ja', version: analyst.version });
        expect((await node.refreshPerson(analyst))?.lang).toBe('ja');
        await expect(node.setLang(analyst, 'fr')).rejects.toMatchObject({
          code: 'UNSUPPORTED_LANGUAGE',
          path: '/lang',
        });
        expect(changed).toEqual([]);
        await node.admin.setUser('analyst', { disabled: true });
        await expect(node.setLang(analyst, 'en')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      } finally {
        await node.close();
      }
    });
  });
}
