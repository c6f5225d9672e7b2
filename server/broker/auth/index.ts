import { createHmac } from 'node:crypto';
import type { Database } from '@/db/client';
import type { StoredScramCredential } from '@/db/schema';
import type { AuthMode, Principal, Role, ScramCredential, ScramMechanism } from '@/server/kernel/auth-types';
import { BrokerError } from '../errors';
import { Acls } from './acls';
import { AuditLog, type AuditRecord, attemptedName } from './audit';
import { ClusterSecrets } from './cluster-secrets';
import { DEFAULT_LOGIN_LIMITS, LoginLimiter, type LoginLimits, LoginThrottled } from './login-limits';
import { MAX_PASSWORD, PRINCIPAL_NAME } from './names';
import { verifyNobody, verifyPassword } from './passwords';
import { SCRAM_ITERATIONS, SCRAM_MECHANISMS } from './scram';
import { MAX_SECRET_LENGTH, newSessionSecret, secretHash, TOKEN_PREFIX } from './secrets';
import { type AuditActor, type AuthStoreContext, decodeScram } from './store';
import { Tokens } from './tokens';
import { Users } from './users';

export * from '@/server/kernel/auth-types';
export { type AuditQuery, type AuditRecord, attemptedName } from './audit';
export { type LoginLimits, LoginThrottled } from './login-limits';
export type { AuditActor } from './store';

/** See Auth.attempt. */
export interface AuthAttempt {
  ok(principal: Principal): Promise<void>;
  failed(): Promise<never>;
}

export interface AuthOptions {
  mode: AuthMode;
  /** How long a console session lasts (default 12 h). */
  sessionTtlMs?: number;
  /** Roles whose message payloads are hidden. */
  hidePayloadRoles?: Role[];
  /** How long audit entries are kept (default 90 days). */
  auditRetentionMs?: number;
  /** Failed-login limits (default: a name throttled after 5 failures, up to 30 s; 20 per address in 15 minutes). */
  loginLimits?: Partial<LoginLimits>;
  /** How often each process checks the ACL version row, in case a change's notification was lost (default 1 s). */
  aclRecheckMs?: number;
}

/** last_used_at is written at most this often per token, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

const WRONG_CREDENTIALS = 'Wrong user name or password.';

/**
 * Users, API tokens, console sessions, SCRAM credentials, the failed-login limit and the audit log, all in
 * Postgres so every Brook process on the database agrees at once (a revoked token or removed user is
 * refused by the next request anywhere). The edges (tRPC, the Kafka listener, the CLI) call this; it
 * imports neither Next nor tRPC.
 */
export class Auth {
  readonly mode: AuthMode;
  readonly sessionTtlMs: number;
  readonly users: Users;
  readonly tokens: Tokens;
  readonly audit: AuditLog;
  readonly limiter: LoginLimiter;
  /** Kafka-style ACL bindings on top of the roles (acls/). */
  readonly acls: Acls;
  private readonly hide: ReadonlySet<Role>;
  private readonly ctx: AuthStoreContext;
  private readonly secrets: ClusterSecrets;

  constructor(
    private readonly db: Database,
    private readonly now: () => number,
    options: AuthOptions = { mode: 'off' },
  ) {
    this.mode = options.mode;
    this.sessionTtlMs = options.sessionTtlMs ?? 12 * 3_600_000;
    this.hide = new Set(options.hidePayloadRoles ?? []);
    this.audit = new AuditLog(db, now, options.auditRetentionMs ?? 90 * 86_400_000);
    this.limiter = new LoginLimiter(db, { ...DEFAULT_LOGIN_LIMITS, ...options.loginLimits });
    this.secrets = new ClusterSecrets(db, now);
    this.ctx = { db, now, audit: this.audit, principal: (kind, name, role, expiresAt) => this.principal(kind, name, role, expiresAt) };
    this.users = new Users(this.ctx);
    this.tokens = new Tokens(this.ctx);
    this.acls = new Acls(this.ctx, options.aclRecheckMs);
  }

  principal(kind: Principal['kind'], name: string, role: Role, expiresAt?: Date): Principal {
    const p: Principal = { kind, name, role, hidePayloads: this.hide.has(role) };
    if (expiresAt) p.expiresAt = expiresAt;
    return p;
  }

  /** The principal everyone is with auth off or none. */
  anonymous(): Principal {
    return this.principal('anonymous', 'anonymous', 'admin');
  }

  /** Console login: the rate limit, the password check, an audit entry, a session. */
  async login(input: { username: string; password: string; address: string | null }) {
    const principal = await this.authenticate(input, 'auth.login', false);
    const session = newSessionSecret();
    const now = this.now();
    const expiresAt = new Date(now + this.sessionTtlMs);
    // From the users row, so a user removed since the check gets no session (rather than a foreign-key error).
    const opened = await this.db.query(
      `INSERT INTO sessions (secret_hash, user_name, created_at, expires_at, address)
       SELECT $1, name, $3, $4, $5 FROM users WHERE name = $2 RETURNING 1`,
      [secretHash(session), principal.name, now, expiresAt.getTime(), input.address?.slice(0, 100) ?? null],
      { name: 'auth.sessions_open' },
    );
    if (opened.length === 0) throw new BrokerError('SASL_AUTHENTICATION_FAILED', WRONG_CREDENTIALS);
    return { principal: { ...principal, expiresAt }, session, expiresAt };
  }

  /** SASL/PLAIN: the same check without a session; a password that is an API token stands for that token. */
  async checkPassword(input: { username: string; password: string; address: string | null; via: 'sasl' }): Promise<Principal> {
    return this.authenticate(input, 'sasl.authenticate', true);
  }

  /** The principal of a session cookie's value; null if unknown or expired. The role is read now, so changes apply at once. */
  async session(secret: string): Promise<Principal | null> {
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > MAX_SECRET_LENGTH) return null;
    const [row] = await this.db.query<{ name: string; role: Role; expires_at: number }>(
      `SELECT u.name, u.role, s.expires_at FROM sessions s JOIN users u ON u.name = s.user_name
       WHERE s.secret_hash = $1 AND s.expires_at > $2`,
      [secretHash(secret), this.now()],
      { name: 'auth.sessions_get' },
    );
    return row ? this.principal('user', row.name, row.role, new Date(Number(row.expires_at))) : null;
  }

  async logout(secret: string, actor: AuditActor): Promise<void> {
    if (typeof secret === 'string' && secret.length > 0 && secret.length <= MAX_SECRET_LENGTH) {
      await this.db.query(`DELETE FROM sessions WHERE secret_hash = $1`, [secretHash(secret)], { name: 'auth.sessions_close' });
    }
    await this.record(actor.principal, actor.address, 'auth.logout', 'ok');
  }

  /** An API token (`Authorization: Bearer brook_...`); null if unknown, expired or revoked. */
  async bearer(token: string): Promise<Principal | null> {
    if (typeof token !== 'string' || !token.startsWith(TOKEN_PREFIX) || token.length > MAX_SECRET_LENGTH) return null;
    const now = this.now();
    const [row] = await this.db.query<{ name: string; role: Role; expires_at: number | null; last_used_at: number | null }>(
      `SELECT name, role, expires_at, last_used_at FROM api_tokens
       WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
      [secretHash(token), now],
      { name: 'auth.tokens_by_hash' },
    );
    if (!row) return null;
    if (row.last_used_at === null || Number(row.last_used_at) < now - LAST_USED_RESOLUTION_MS) {
      await this.db.query(`UPDATE api_tokens SET last_used_at = $2 WHERE name = $1`, [row.name, now], { name: 'auth.tokens_used' });
    }
    return this.principal('token', row.name, row.role, row.expires_at === null ? undefined : new Date(Number(row.expires_at)));
  }

  /** SCRAM: the stored credential of the user `username`, or else of the live token of that name; null if none. */
  async scramCredential(
    mechanism: ScramMechanism,
    username: string,
  ): Promise<{ credential: ScramCredential; principal: Principal } | null> {
    if (!SCRAM_MECHANISMS.includes(mechanism)) {
      throw new BrokerError('UNSUPPORTED_SASL_MECHANISM', `Brook supports ${SCRAM_MECHANISMS.join(', ')} and PLAIN.`);
    }
    if (typeof username !== 'string' || !PRINCIPAL_NAME.test(username)) return null;
    const column = mechanism === 'SCRAM-SHA-256' ? 'scram_sha256' : 'scram_sha512';
    type Row = { kind: 'user' | 'token'; role: Role; expires_at: number | null; scram: StoredScramCredential };
    const [row] = await this.db.query<Row>(
      `SELECT 'user' AS kind, role, NULL::bigint AS expires_at, ${column} AS scram FROM users WHERE name = $1
       UNION ALL
       SELECT 'token', role, expires_at, ${column} FROM api_tokens
       WHERE name = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)
       ORDER BY kind DESC LIMIT 1`,
      [username, this.now()],
      { name: `auth.scram_${column}` },
    );
    if (!row) return null;
    const expiresAt = row.expires_at === null ? undefined : new Date(Number(row.expires_at));
    return { credential: decodeScram(row.scram), principal: this.principal(row.kind, username, row.role, expiresAt) };
  }

  /**
   * What SCRAM answers for a name with no credential, so that it looks like a real one: a salt of the
   * store's length derived from the name with a secret the whole cluster shares (the same on every instance
   * and after restarts, as a real user's salt is) and the store's iteration count.
   */
  async scramFakeCredential(mechanism: ScramMechanism, username: string): Promise<{ salt: Buffer; iterations: number }> {
    const key = await this.secrets.get('scram_fake_salt');
    return { salt: createHmac('sha256', key).update(`${mechanism}\0${username}`).digest(), iterations: SCRAM_ITERATIONS };
  }

  /** BROOK_ADMIN_PASSWORD at start: creates or updates user `admin` (role admin). */
  ensureAdmin(password: string): Promise<'created' | 'updated' | 'unchanged'> {
    return this.users.ensureAdmin(password);
  }

  /** The background loop's work: audit entries past the retention, expired sessions, passed login windows. */
  async cleanup(): Promise<{ audit: number; sessions: number; loginFailures: number }> {
    const now = this.now();
    const audit = await this.audit.prune();
    const sessions = await this.db.query(`DELETE FROM sessions WHERE expires_at <= $1 RETURNING 1`, [now], { name: 'auth.sessions_prune' });
    const loginFailures = await this.limiter.prune(now);
    return { audit, sessions: sessions.length, loginFailures };
  }

  /**
   * One authentication attempt, counted against the failed-login limits before anything is checked (see
   * login-limits.ts): throws THROTTLING_QUOTA_EXCEEDED (a LoginThrottled, audited as denied) while the name's
   * delay runs or the address is over its limit. The caller then checks the credential and reports: `ok`
   * clears the user name's failures and audits the success; `failed` audits the failure and throws
   * SASL_AUTHENTICATION_FAILED. `token`: the credential is an API token (256 random bits, not guessable),
   * checked whatever the name's delay and never clearing it. The Kafka listener uses this for SCRAM, whose
   * proof it verifies itself; login and checkPassword use it too.
   */
  async attempt(input: {
    username: string;
    address: string | null;
    action: string;
    details?: Record<string, unknown> | null;
    token?: boolean;
  }): Promise<AuthAttempt> {
    const username = typeof input.username === 'string' ? input.username : '';
    const address = input.address ?? null;
    const details = input.details ?? null;
    const now = this.now();
    const name = input.token ? null : username;
    const failure = { actor: attemptedName(username), actorKind: 'unknown', action: input.action, target: null, address } as const;
    let counted: Awaited<ReturnType<LoginLimiter['attempt']>>;
    try {
      counted = await this.limiter.attempt(name, address, now);
    } catch (err) {
      if (err instanceof LoginThrottled) {
        const reason = err.limit === 'user' ? 'user name throttled' : 'too many failed attempts from this address';
        await this.audit.record({ ...failure, outcome: 'denied', details: { ...details, reason } });
      }
      throw err;
    }
    return {
      ok: async (principal) => {
        // Only the name's own credential clears the name's failures: a token sent as a PLAIN password under
        // another user's name did not claim it, and must not lift its delay.
        await this.limiter.succeeded(name !== null && principal.name === name ? name : null, address, counted);
        await this.audit.record({
          actor: principal.name,
          actorKind: principal.kind,
          action: input.action,
          target: null,
          address,
          outcome: 'ok',
          details,
        });
      },
      failed: async () => {
        await this.audit.record({ ...failure, outcome: 'failed', details });
        throw new BrokerError('SASL_AUTHENTICATION_FAILED', WRONG_CREDENTIALS);
      },
    };
  }

  /** An admin's way out (`npm run brook -- users unlock`): forgets a user name's failures and delay; true if it had any. */
  async unlock(username: string, actor: AuditActor): Promise<boolean> {
    const cleared = await this.limiter.clear(username);
    await this.recordFor(actor, 'users.unlock', username, 'ok', { cleared });
    return cleared;
  }

  /** The limit, then a user's password (or with `acceptToken` a password that is an API token). */
  private async authenticate(
    input: { username: string; password: string; address: string | null },
    action: 'auth.login' | 'sasl.authenticate',
    acceptToken: boolean,
  ): Promise<Principal> {
    const username = typeof input.username === 'string' ? input.username : '';
    const password = typeof input.password === 'string' ? input.password : '';
    const token = acceptToken && password.startsWith(TOKEN_PREFIX);
    const attempt = await this.attempt({ username: input.username, address: input.address, action, token });
    let principal: Principal | null;
    if (token) principal = await this.bearer(password);
    else principal = await this.passwordPrincipal(username, password);
    if (!principal) return attempt.failed();
    await attempt.ok(principal);
    return principal;
  }

  /** Unknown names cost the same scrypt work as known ones (no timing oracle for which names exist). */
  private async passwordPrincipal(username: string, password: string): Promise<Principal | null> {
    const candidate = password.slice(0, MAX_PASSWORD);
    if (!PRINCIPAL_NAME.test(username) || password.length > MAX_PASSWORD) return verifyNobody(candidate).then(() => null);
    const [row] = await this.db.query<{ role: Role; password_hash: string }>(
      `SELECT role, password_hash FROM users WHERE name = $1`,
      [username],
      { name: 'auth.users_get' },
    );
    const ok = row ? await verifyPassword(password, row.password_hash) : await verifyNobody(candidate);
    return ok && row ? this.principal('user', username, row.role) : null;
  }

  private record(principal: Principal, address: string | null, action: string, outcome: 'ok') {
    return this.audit.record({ actor: principal.name, actorKind: principal.kind, action, target: null, address, outcome, details: null });
  }

  /** Audit helper for the edges: an entry for `actor` doing `action` on `target`. */
  recordFor(
    actor: AuditActor,
    action: string,
    target: string | null,
    outcome: AuditRecord['outcome'],
    details: Record<string, unknown> | null = null,
  ) {
    return this.audit.record({
      actor: actor.principal.name,
      actorKind: actor.principal.kind,
      action,
      target,
      address: actor.address,
      outcome,
      details,
    });
  }
}

export type { Acls } from './acls';
export type { AuditLog } from './audit';
export type { Tokens } from './tokens';
export type { Users } from './users';
