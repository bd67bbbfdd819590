import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { AuditEntryInput } from '../audit/index.js';
import { sha256Hex } from '../canon/index.js';
import { ReltoError } from '../errors/index.js';
import { isLang, langs } from '../label/index.js';
import { Role } from '../policy/schema.js';
import type { CompiledRegistry } from '../registry/index.js';
import type { Store, User, UserPatch } from '../store/index.js';
import type { Person } from './service.js';
import { SignInThrottle, type SignInThrottleOptions } from './sign-in-throttle.js';

/** scrypt cost: 2^15 × 8 × 1 is ~30 ms and 32 MiB per check, which is why verified credentials are cached. */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, keylen: 32 } as const;

function scryptAsync(password: string, salt: Buffer, p: { N: number; r: number; p: number; keylen: number }) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(
      password,
      salt,
      p.keylen,
      { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + (1 << 20) },
      (e, k) => (e ? reject(e) : resolve(k)),
    ),
  );
}

/** `scrypt$N=32768,r=8,p=1$<salt b64>$<hash b64>`: the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT);
  return `scrypt$N=${SCRYPT.N},r=${SCRYPT.r},p=${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const key = await scryptAsync(password, Buffer.from(m[4]!, 'base64'), {
    N: Number(m[1]),
    r: Number(m[2]),
    p: Number(m[3]),
    keylen: expected.length,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** The rules engine's view of a user (contracts §4) plus name and version (R36). */
export function personOf(user: User): Person {
  const person: Person = {
    id: user.name,
    name: user.name,
    party: user.party,
    clearance: user.clearance,
    designations: [...user.designations],
    restrictive: structuredClone(user.restrictive),
    roles: user.roles as Person['roles'],
    official: user.official,
    contractor: user.contractor,
    version: user.version,
    lang: user.lang !== null && isLang(user.lang) ? user.lang : null,
  };
  return person;
}

/** What an administrator may set on a user (contracts §5). */
export interface UserInput {
  name: string;
  password: string;
  clearance: string;
  roles: string[];
  designations?: string[];
  /** Restrictive category values (need-to-know), e.g. {"Compartment": ["BMD"]}. */
  restrictive?: Record<string, string[]>;
  contractor?: boolean;
  official?: boolean;
}

export interface UserChange {
  clearance?: string;
  roles?: string[];
  designations?: string[];
  restrictive?: Record<string, string[]>;
  contractor?: boolean;
  official?: boolean;
  disabled?: boolean;
  password?: string;
}

/** A user as an administrator sees it (never the password hash). */
export type UserView = Omit<User, 'passwordHash'>;

export function userView(u: User): UserView {
  const { passwordHash: _hash, ...rest } = u;
  return rest;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const ROLES = new Set<string>(Role.anyOf.map((r) => r.const as string));

/** How long a bearer token lives unless `relto serve --token-hours` says otherwise: a working day. */
export const DEFAULT_TOKEN_HOURS = 8;
/** Where the node keeps the key its web sessions' CSRF values are made with. */
const CSRF_KEY_META = 'web-session-csrf-key';
/** Expired tokens are kept this long (so their use is answered "expired"), then swept. */
const EXPIRED_KEPT_MS = 7 * 86_400_000;

export interface PeopleOptions {
  /** Lifetime of issued tokens and sessions, in hours (default 8). */
  tokenHours?: number;
  /** Failed sign-ins allowed per name and per address within a window. */
  signIn?: SignInThrottleOptions;
  /** Where a refused sign-in is recorded (the node's audit log, R29). */
  audit?: (entry: AuditEntryInput) => void;
}

/** Why a password sign-in was refused, as the audit log records it (never the password). */
export type SignInRefusal = 'UNKNOWN_USER' | 'DISABLED' | 'WRONG_PASSWORD' | 'TOO_MANY_ATTEMPTS';

/**
 * People of one node: users, password checks, sessions and tokens, and R36 — a change of clearance, roles,
 * need-to-know or status takes effect at once. Every authentication and every service call re-reads the
 * user's row (a primary-key read) and compares its `version`; scrypt runs only when the password or the user
 * changed, because verified credentials are cached keyed by (name, keyed digest of the password).
 */
export class People {
  /** (name, HMAC of the password under a per-process key) → the user version it was verified against. */
  private readonly verified = new Map<string, { version: number; passwordHash: string }>();
  private readonly cacheKey = randomBytes(32);
  private readonly listeners = new Set<(name: string) => void>();
  /** The last version of each user this process has seen, so a change is announced once. */
  private readonly seen = new Map<string, number>();
  private poller: NodeJS.Timeout | null = null;
  private readonly throttle: SignInThrottle;
  /** Per name, the scrypt check under way (checks of one name run one after another). */
  private readonly verifying = new Map<string, Promise<void>>();
  private readonly tokenMs: number;
  private readonly audit: (entry: AuditEntryInput) => void;

  constructor(
    private readonly store: Store,
    private readonly registry: CompiledRegistry,
    private readonly party: string,
    private readonly clock: () => number,
    options: PeopleOptions = {},
  ) {
    const hours = options.tokenHours ?? DEFAULT_TOKEN_HOURS;
    if (!(hours > 0)) throw new ReltoError('INVALID_ARGUMENT', 'a token lives a positive number of hours');
    this.tokenMs = Math.round(hours * 3_600_000);
    this.throttle = new SignInThrottle(options.signIn ?? {}, clock);
    this.audit = options.audit ?? (() => {});
  }

  // ---- administration (the CLI and the admin API)

  private checkAttributes(input: {
    clearance?: string;
    roles?: string[];
    designations?: string[];
    restrictive?: Record<string, string[]>;
  }): void {
    const scheme = this.registry.parties.get(this.party)!;
    if (input.clearance !== undefined && !scheme.levels.has(input.clearance)) {
      throw new ReltoError(
        'INVALID_ARGUMENT',
        `clearance ${input.clearance} is not a level of ${this.party} (${[...scheme.levels.keys()].join(', ')})`,
        '/clearance',
      );
    }
    if (input.roles !== undefined) {
      input.roles.forEach((r, i) => {
        if (!ROLES.has(r)) {
          throw new ReltoError(
            'INVALID_ARGUMENT',
            `unknown role ${r} (${[...ROLES].join(', ')})`,
            `/roles/${i}`,
          );
        }
      });
    }
    input.designations?.forEach((d, i) => {
      if (!this.registry.designationOwner.has(d)) {
        throw new ReltoError('INVALID_ARGUMENT', `unknown designation ${d}`, `/designations/${i}`);
      }
    });
    for (const [category, values] of Object.entries(input.restrictive ?? {})) {
      if (category === 'Designation') {
        throw new ReltoError('INVALID_ARGUMENT', 'designations are given with --designation', '/restrictive');
      }
      values.forEach((v, i) => {
        if (typeof v !== 'string' || v === '') {
          throw new ReltoError(
            'INVALID_ARGUMENT',
            'a need-to-know value is a non-empty string',
            `/restrictive/${category}/${i}`,
          );
        }
      });
    }
  }

  async addUser(input: UserInput): Promise<UserView> {
    if (!NAME.test(input.name)) {
      throw new ReltoError('INVALID_ARGUMENT', 'a user name is 1–64 letters, digits, . _ @ -', '/name');
    }
    if (typeof input.password !== 'string' || input.password.length < 8) {
      throw new ReltoError('INVALID_ARGUMENT', 'a password has at least 8 characters', '/password');
    }
    this.checkAttributes(input);
    const user = await this.store.createUser({
      name: input.name,
      party: this.party,
      clearance: input.clearance,
      roles: [...new Set(input.roles)].sort(),
      designations: [...new Set(input.designations ?? [])].sort(),
      restrictive: normaliseRestrictive(input.restrictive ?? {}),
      contractor: input.contractor ?? false,
      official: input.official ?? true,
      passwordHash: await hashPassword(input.password),
    });
    this.seen.set(user.name, user.version);
    return userView(user);
  }

  /** Changes a user; takes effect at once (R36): caches dropped, listeners told, sessions cut when disabled. */
  async setUser(name: string, change: UserChange): Promise<UserView> {
    this.checkAttributes(change);
    const patch: UserPatch = {};
    if (change.clearance !== undefined) patch.clearance = change.clearance;
    if (change.roles !== undefined) patch.roles = [...new Set(change.roles)].sort();
    if (change.designations !== undefined) patch.designations = [...new Set(change.designations)].sort();
    if (change.restrictive !== undefined) patch.restrictive = normaliseRestrictive(change.restrictive);
    if (change.contractor !== undefined) patch.contractor = change.contractor;
    if (change.official !== undefined) patch.official = change.official;
    if (change.disabled !== undefined) patch.disabled = change.disabled;
    if (change.password !== undefined) {
      if (change.password.length < 8) {
        throw new ReltoError('INVALID_ARGUMENT', 'a password has at least 8 characters', '/password');
      }
      patch.passwordHash = await hashPassword(change.password);
    }
    const user = await this.store.transaction(async (tx) => {
      const u = await tx.updateUser(name, patch);
      if (u.disabled) await tx.deleteSessionsOfUser(name);
      return u;
    });
    this.noticed(user);
    return userView(user);
  }

  async listUsers(): Promise<UserView[]> {
    return (await this.store.listUsers()).map(userView);
  }

  async getUser(name: string): Promise<UserView | null> {
    const u = await this.store.getUser(name);
    return u ? userView(u) : null;
  }

  // ---- R36: noticing changes, also those made by another process

  private noticed(user: User): void {
    const before = this.seen.get(user.name);
    this.seen.set(user.name, user.version);
    if (before !== undefined && before !== user.version) {
      for (const key of [...this.verified.keys()])
        if (key.startsWith(`${user.name}\0`)) this.verified.delete(key);
      for (const l of this.listeners) {
        try {
          l(user.name);
        } catch {
          // A listener's failure is its own; the others still hear of the change.
        }
      }
    }
  }

  onPersonChanged(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Polls the users' versions so changes made by another process reach listeners without a request. */
  watch(intervalMs: number): void {
    if (this.poller) return;
    this.poller = setInterval(() => {
      this.store
        .listUsers()
        .then((users) => {
          for (const u of users) this.noticed(u);
        })
        .catch(() => {
          // The store may be closing; the next poll tries again.
        });
    }, intervalMs);
    this.poller.unref();
  }

  stop(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
  }

  /** The person's current view, or null when the user is gone or disabled (R36). */
  async current(name: string): Promise<Person | null> {
    const user = await this.store.getUser(name);
    if (!user) return null;
    this.noticed(user);
    if (user.disabled || user.party !== this.party) return null;
    return personOf(user);
  }

  /** Like `current`, for a service call: a person who is no longer allowed in is UNAUTHENTICATED. */
  async require(actor: Person): Promise<Person> {
    if (!actor || typeof actor.name !== 'string') throw new ReltoError('UNAUTHENTICATED');
    const p = await this.current(actor.name);
    if (!p) throw new ReltoError('UNAUTHENTICATED', 'this person may no longer sign in');
    return p;
  }

  // ---- authentication

  /**
   * The one password check of every sign-in path (the API and its session, TAXII's HTTP Basic, the track
   * stream): a name or an address with too many recent failures is refused TOO_MANY_ATTEMPTS before the
   * password is even looked at, and every refusal is audited with the name tried, the address and the
   * reason, never the password (R29). A success clears the name's failures. Null for a refused sign-in.
   */
  async authenticateBasic(name: string, password: string, address?: string): Promise<Person | null> {
    this.holdBack(name, address);
    const key = `${name}\0${createHmac('sha256', this.cacheKey).update(password).digest('hex')}`;
    const fast = await this.checkPassword(name, password, key, false);
    if (fast !== null) return this.outcome(name, address, fast);
    // A password not verified before: one scrypt at a time per name, so guesses sent in parallel meet
    // the failures counted before them rather than all passing the check at once.
    const prev = this.verifying.get(name) ?? Promise.resolve();
    const run = prev.then(async () => {
      this.holdBack(name, address);
      return this.outcome(name, address, (await this.checkPassword(name, password, key, true))!);
    });
    const tail = run.then(
      () => {},
      () => {},
    );
    this.verifying.set(name, tail);
    void tail.then(() => {
      if (this.verifying.get(name) === tail) this.verifying.delete(name);
    });
    return run;
  }

  /** TOO_MANY_ATTEMPTS (audited) when the name or the address is held back; nothing otherwise. */
  private holdBack(name: string, address: string | undefined): void {
    const wait = this.throttle.retryAfter(name, address);
    if (wait === 0) return;
    this.refused(name, address, 'TOO_MANY_ATTEMPTS');
    throw new ReltoError(
      'TOO_MANY_ATTEMPTS',
      `too many failed sign-ins for this user or from this address: try again in ${wait} s`,
      '',
      { retryAfter: wait },
    );
  }

  private outcome(name: string, address: string | undefined, result: Person | SignInRefusal): Person | null {
    if (typeof result === 'string') {
      this.throttle.failed(name, address);
      this.refused(name, address, result);
      return null;
    }
    this.throttle.succeeded(name);
    return result;
  }

  /** The person, or why not; null when only scrypt can tell and `verify` is false. */
  private async checkPassword(
    name: string,
    password: string,
    key: string,
    verify: boolean,
  ): Promise<Person | SignInRefusal | null> {
    const user = await this.store.getUser(name);
    if (user) this.noticed(user);
    if (!user || user.party !== this.party || user.disabled) {
      if (!verify) return null;
      // As long as a wrong password takes, so the time of an answer does not tell which names exist.
      await verifyPassword(password, await this.decoyHash());
      return user && user.party === this.party ? 'DISABLED' : 'UNKNOWN_USER';
    }
    const hit = this.verified.get(key);
    if (hit && hit.version === user.version && hit.passwordHash === user.passwordHash) return personOf(user);
    if (!verify) return null;
    if (!(await verifyPassword(password, user.passwordHash))) return 'WRONG_PASSWORD';
    if (this.verified.size > 10_000) this.verified.clear();
    this.verified.set(key, { version: user.version, passwordHash: user.passwordHash });
    return personOf(user);
  }

  private decoy: Promise<string> | null = null;

  /** A hash of a random password, made once, for checks of names that cannot sign in. */
  private decoyHash(): Promise<string> {
    this.decoy ??= hashPassword(randomBytes(16).toString('hex'));
    return this.decoy;
  }

  private refused(name: string, address: string | undefined, reason: SignInRefusal): void {
    try {
      this.audit({
        kind: 'refusal',
        at: new Date(this.clock()).toISOString(),
        actor: `node:${this.party}`,
        subjects: [name],
        action: 'sign-in',
        decision: 'deny',
        reasons: [reason],
        details: { user: name, address: address ?? null },
      });
    } catch {
      // A closing audit log cannot record it; the sign-in is refused all the same.
    }
  }

  async issueToken(person: Person, kind: 'session' | 'token'): Promise<{ token: string; expiresAt: string }> {
    const current = await this.require(person);
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    const expiresAt = new Date(now + this.tokenMs).toISOString();
    await this.store.createSession({ tokenHash: sha256Hex(token), userName: current.name, kind, expiresAt });
    await this.store.deleteExpiredSessions(new Date(now - EXPIRED_KEPT_MS).toISOString());
    return { token, expiresAt };
  }

  /** The token's person, or null for an unknown token; an expired one is SESSION_EXPIRED, so a client can say so. */
  async authenticateToken(token: string): Promise<Person | null> {
    if (typeof token !== 'string' || token.length < 16) return null;
    const session = await this.store.getSession(sha256Hex(token), { includeExpired: true });
    if (!session) return null;
    if (Date.parse(session.expiresAt) <= this.clock()) {
      throw new ReltoError('SESSION_EXPIRED', `this token expired at ${session.expiresAt}: sign in again`);
    }
    return this.current(session.userName);
  }

  async revokeToken(token: string): Promise<void> {
    await this.store.deleteSession(sha256Hex(token));
  }

  private csrfKey: Promise<Buffer> | null = null;

  /** HMAC of the session token under the node's CSRF key (made once, kept in the node's data). */
  async sessionCsrf(token: string): Promise<string> {
    this.csrfKey ??= this.loadCsrfKey().catch((e: unknown) => {
      this.csrfKey = null;
      throw e;
    });
    return createHmac('sha256', await this.csrfKey)
      .update(token)
      .digest('base64url');
  }

  private async loadCsrfKey(): Promise<Buffer> {
    const stored = await this.store.getMeta(CSRF_KEY_META);
    if (stored) return Buffer.from(stored, 'base64');
    await this.store.setMeta(CSRF_KEY_META, randomBytes(32).toString('base64'));
    // Read back: of two processes making the key at once, both then use the one that stayed.
    return Buffer.from((await this.store.getMeta(CSRF_KEY_META))!, 'base64');
  }

  /** The person's language for the web workspace; a preference, so open sessions and streams go on. */
  async setLang(actor: Person, lang: string): Promise<Person> {
    const current = await this.require(actor);
    if (!isLang(lang)) {
      throw new ReltoError(
        'UNSUPPORTED_LANGUAGE',
        `no language "${lang}": choose ${langs.join(', ')}`,
        '/lang',
      );
    }
    return personOf(await this.store.setUserLang(current.name, lang));
  }
}

function normaliseRestrictive(r: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of Object.keys(r).sort()) {
    const values = [...new Set(r[k])].sort();
    if (values.length > 0) out[k] = values;
  }
  return out;
}
