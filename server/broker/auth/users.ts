import type { Queryable } from '@/db/client';
import type { Role, UserSummary } from '@/server/kernel/auth-types';
import { BrokerError } from '../errors';
import { checkName, checkNewPassword, checkRole } from './names';
import { verifyPassword } from './passwords';
import { type AuditActor, type AuthStoreContext, auditedChange, passwordCredentials } from './store';

interface UserRow {
  name: string;
  role: Role;
  created_at: number;
  updated_at: number;
}

const summary = (r: UserRow): UserSummary => ({
  name: r.name,
  role: r.role,
  createdAt: new Date(Number(r.created_at)),
  updatedAt: new Date(Number(r.updated_at)),
});

/** The user name BROOK_ADMIN_PASSWORD creates or updates. */
export const FIRST_ADMIN = 'admin';

/** Console and SASL users: name, role, scrypt hash and SCRAM credentials. */
export class Users {
  constructor(private readonly ctx: AuthStoreContext) {}

  async list(): Promise<UserSummary[]> {
    const rows = await this.ctx.db.query<UserRow>(`SELECT name, role, created_at, updated_at FROM users ORDER BY name`, [], {
      name: 'auth.users_list',
    });
    return rows.map(summary);
  }

  async count(): Promise<number> {
    const [row] = await this.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users`, [], { name: 'auth.users_count' });
    return row.n;
  }

  async add(input: { name: string; password: string; role: Role }, actor: AuditActor): Promise<UserSummary> {
    const name = checkName('user', input.name);
    const role = checkRole(input.role);
    const { hash, scram } = await passwordCredentials(checkNewPassword(input.password));
    const now = this.ctx.now();
    return auditedChange(this.ctx, { action: 'users.add', target: name, actor, details: { role } }, async (tx) => {
      await refuseLiveToken(tx, name, now);
      const [row] = await tx.query<UserRow>(
        `INSERT INTO users (name, role, password_hash, scram_sha256, scram_sha512, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (name) DO NOTHING RETURNING name, role, created_at, updated_at`,
        [name, role, hash, scram['SCRAM-SHA-256'], scram['SCRAM-SHA-512'], now],
        { name: 'auth.users_add' },
      );
      if (!row) throw new BrokerError('DUPLICATE_RESOURCE', `A user named "${name}" already exists.`);
      return summary(row);
    });
  }

  /** Sets a new password; the user's sessions end (a changed password logs out everywhere). */
  async setPassword(name: string, password: string, actor: AuditActor): Promise<void> {
    checkName('user', name);
    const { hash, scram } = await passwordCredentials(checkNewPassword(password));
    const now = this.ctx.now();
    await auditedChange(this.ctx, { action: 'users.password', target: name, actor }, async (tx) => {
      const updated = await tx.query(
        `UPDATE users SET password_hash = $2, scram_sha256 = $3, scram_sha512 = $4, updated_at = $5 WHERE name = $1 RETURNING name`,
        [name, hash, scram['SCRAM-SHA-256'], scram['SCRAM-SHA-512'], now],
        { name: 'auth.users_password' },
      );
      if (updated.length === 0) throw unknownUser(name);
      await tx.query(`DELETE FROM sessions WHERE user_name = $1`, [name], { name: 'auth.sessions_end_user' });
    });
  }

  async setRole(name: string, role: Role, actor: AuditActor): Promise<void> {
    checkName('user', name);
    checkRole(role);
    const now = this.ctx.now();
    await auditedChange(this.ctx, { action: 'users.role', target: name, actor, details: { role } }, async (tx) => {
      await refuseLastAdmin(tx, name, role === 'admin' ? null : 'demoted');
      await tx.query(`UPDATE users SET role = $2, updated_at = $3 WHERE name = $1`, [name, role, now], { name: 'auth.users_role' });
    });
  }

  /** Removes a user and their sessions. */
  async remove(name: string, actor: AuditActor): Promise<void> {
    checkName('user', name);
    await auditedChange(this.ctx, { action: 'users.remove', target: name, actor }, async (tx) => {
      await refuseLastAdmin(tx, name, 'removed');
      await tx.query(`DELETE FROM users WHERE name = $1`, [name], { name: 'auth.users_remove' });
    });
  }

  /** BROOK_ADMIN_PASSWORD at start: user `admin` exists with this password and role admin afterwards. */
  async ensureAdmin(password: string): Promise<'created' | 'updated' | 'unchanged'> {
    checkNewPassword(password);
    const [current] = await this.ctx.db.query<{ role: Role; password_hash: string }>(
      `SELECT role, password_hash FROM users WHERE name = $1`,
      [FIRST_ADMIN],
      { name: 'auth.users_get' },
    );
    if (current?.role === 'admin' && (await verifyPassword(password, current.password_hash))) return 'unchanged';
    const { hash, scram } = await passwordCredentials(password);
    const now = this.ctx.now();
    const actor: AuditActor = { principal: this.ctx.principal('user', 'BROOK_ADMIN_PASSWORD', 'admin'), address: null };
    const action = current ? 'users.password' : 'users.add';
    return auditedChange(this.ctx, { action, target: FIRST_ADMIN, actor, details: { role: 'admin' } }, async (tx) => {
      await refuseLiveToken(tx, FIRST_ADMIN, now);
      const [row] = await tx.query<{ inserted: boolean }>(
        `INSERT INTO users (name, role, password_hash, scram_sha256, scram_sha512, created_at, updated_at)
         VALUES ($1, 'admin', $2, $3, $4, $5, $5)
         ON CONFLICT (name) DO UPDATE SET role = 'admin', password_hash = EXCLUDED.password_hash,
           scram_sha256 = EXCLUDED.scram_sha256, scram_sha512 = EXCLUDED.scram_sha512, updated_at = EXCLUDED.updated_at
         RETURNING (xmax = 0) AS inserted`,
        [FIRST_ADMIN, hash, scram['SCRAM-SHA-256'], scram['SCRAM-SHA-512'], now],
        { name: 'auth.users_ensure_admin' },
      );
      if (row.inserted) return 'created';
      await tx.query(`DELETE FROM sessions WHERE user_name = $1`, [FIRST_ADMIN], { name: 'auth.sessions_end_user' });
      return 'updated';
    });
  }
}

const unknownUser = (name: string) => new BrokerError('RESOURCE_NOT_FOUND', `There is no user named "${name}".`);

/** SCRAM looks a name up among users and tokens: a user may not take the name of a live token. */
async function refuseLiveToken(tx: Queryable, name: string, now: number): Promise<void> {
  const live = await tx.query(
    `SELECT 1 FROM api_tokens WHERE name = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
    [name, now],
    { name: 'auth.tokens_live_by_name' },
  );
  if (live.length > 0)
    throw new BrokerError('DUPLICATE_RESOURCE', `An API token is named "${name}": users and tokens need distinct names.`);
}

/** Under the auth lock: the user exists, and if it is the only admin it is neither removed nor demoted. */
async function refuseLastAdmin(tx: Queryable, name: string, change: 'removed' | 'demoted' | null): Promise<void> {
  const [row] = await tx.query<{ role: Role; admins: number }>(
    `SELECT role, (SELECT count(*)::int FROM users WHERE role = 'admin') AS admins FROM users WHERE name = $1`,
    [name],
    { name: 'auth.users_admin_count' },
  );
  if (!row) throw unknownUser(name);
  if (change && row.role === 'admin' && row.admins <= 1) {
    throw new BrokerError('POLICY_VIOLATION', `"${name}" is the last admin and cannot be ${change}: make another user admin first.`);
  }
}
