import { type Selectable, sql } from 'kysely';
import { ReltoError } from '../errors/index.js';
import type { Scope } from './context.js';
import type { UserTable } from './database.js';
import { isoInstant, json, parse } from './rows.js';
import type { NewUser, Session, User, UserPatch } from './store.js';

/** People (R36: every change bumps a user's version) and their sessions and API tokens. */

function toUser(row: Selectable<UserTable>): User {
  return {
    name: row.name,
    party: row.party,
    clearance: row.clearance,
    roles: parse(row.roles),
    designations: parse(row.designations),
    restrictive: parse(row.restrictive),
    contractor: row.contractor === 1,
    official: row.official === 1,
    disabled: row.disabled === 1,
    passwordHash: row.password_hash,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lang: row.lang ?? null,
  };
}

export async function createUser(scope: Scope, user: NewUser): Promise<User> {
  return scope.atomic(async (s) => {
    if (await getUser(s, user.name)) throw new ReltoError('CONFLICT', `a user named ${user.name} exists`);
    const at = s.nowIso();
    const row = await s.db
      .insertInto('users')
      .values({
        name: user.name,
        party: user.party,
        clearance: user.clearance,
        roles: json(user.roles),
        designations: json(user.designations),
        restrictive: json(user.restrictive),
        contractor: user.contractor ? 1 : 0,
        official: user.official ? 1 : 0,
        disabled: user.disabled ? 1 : 0,
        password_hash: user.passwordHash,
        version: 1,
        created_at: at,
        updated_at: at,
        lang: user.lang ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  });
}

export async function getUser(scope: Scope, name: string): Promise<User | null> {
  const row = await scope.db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function listUsers(scope: Scope): Promise<User[]> {
  const rows = await scope.db.selectFrom('users').selectAll().orderBy('name').execute();
  return rows.map((r) => toUser(r));
}

export async function updateUser(scope: Scope, name: string, patch: UserPatch): Promise<User> {
  const set: Partial<Record<keyof UserTable, unknown>> = {};
  if (patch.party !== undefined) set.party = patch.party;
  if (patch.clearance !== undefined) set.clearance = patch.clearance;
  if (patch.roles !== undefined) set.roles = json(patch.roles);
  if (patch.designations !== undefined) set.designations = json(patch.designations);
  if (patch.restrictive !== undefined) set.restrictive = json(patch.restrictive);
  if (patch.contractor !== undefined) set.contractor = patch.contractor ? 1 : 0;
  if (patch.official !== undefined) set.official = patch.official ? 1 : 0;
  if (patch.disabled !== undefined) set.disabled = patch.disabled ? 1 : 0;
  if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
  const row = await scope.db
    .updateTable('users')
    .set({ ...(set as Partial<UserTable>), updated_at: scope.nowIso(), version: sql<number>`version + 1` })
    .where('name', '=', name)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new ReltoError('NOT_FOUND', `no user named ${name}`);
  return toUser(row);
}

/** The person's language; the version stays, since a preference grants and removes nothing (R36). */
export async function setUserLang(scope: Scope, name: string, lang: string | null): Promise<User> {
  const row = await scope.db
    .updateTable('users')
    .set({ lang, updated_at: scope.nowIso() })
    .where('name', '=', name)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new ReltoError('NOT_FOUND', `no user named ${name}`);
  return toUser(row);
}

export async function createSession(
  scope: Scope,
  session: Omit<Session, 'createdAt'> & { createdAt?: string },
): Promise<void> {
  await scope.db
    .insertInto('sessions')
    .values({
      token_hash: session.tokenHash,
      user_name: session.userName,
      kind: session.kind,
      // One ISO form, so expiry compares correctly as text.
      created_at: session.createdAt ? isoInstant(session.createdAt, '/createdAt') : scope.nowIso(),
      expires_at: isoInstant(session.expiresAt, '/expiresAt'),
    })
    .execute();
}

export async function getSession(
  scope: Scope,
  tokenHash: string,
  options: { includeExpired?: boolean } = {},
): Promise<Session | null> {
  const row = await scope.db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  // An expired session is as good as absent, whatever the caller forgets to check.
  if (!row || (!options.includeExpired && Date.parse(row.expires_at) <= scope.ctx.now())) return null;
  return {
    tokenHash: row.token_hash,
    userName: row.user_name,
    kind: row.kind,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export async function deleteSession(scope: Scope, tokenHash: string): Promise<void> {
  await scope.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteSessionsOfUser(scope: Scope, userName: string): Promise<number> {
  const r = await scope.db.deleteFrom('sessions').where('user_name', '=', userName).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteExpiredSessions(scope: Scope, now: string): Promise<number> {
  const r = await scope.db
    .deleteFrom('sessions')
    .where('expires_at', '<=', isoInstant(now, '/now'))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
