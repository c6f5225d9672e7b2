import type { Role, TokenSummary } from '@/server/kernel/auth-types';
import { BrokerError } from '../errors';
import { checkName, checkRole } from './names';
import { newToken, secretHash } from './secrets';
import { type AuditActor, type AuthStoreContext, auditedChange, scramCredentials } from './store';

interface TokenRow {
  name: string;
  role: Role;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

const COLUMNS = 'name, role, created_by, created_at, expires_at, last_used_at, revoked_at';
const date = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));

const summary = (r: TokenRow): TokenSummary => ({
  name: r.name,
  role: r.role,
  createdBy: r.created_by,
  createdAt: new Date(Number(r.created_at)),
  expiresAt: date(r.expires_at),
  lastUsedAt: date(r.last_used_at),
  revokedAt: date(r.revoked_at),
});

export const MAX_TOKEN_DAYS = 3650;
const DAY_MS = 86_400_000;

/** API tokens: a name, a role, an optional expiry; the secret is returned once and stored as its SHA-256. */
export class Tokens {
  constructor(private readonly ctx: AuthStoreContext) {}

  /** Returns the secret once (`brook_` + 43 base64url characters). A revoked or expired token's name can be reused. */
  async create(
    input: { name: string; role: Role; expiresInDays?: number },
    actor: AuditActor,
  ): Promise<{ token: string; summary: TokenSummary }> {
    const name = checkName('token', input.name);
    const role = checkRole(input.role);
    const days = input.expiresInDays;
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS)) {
      throw new BrokerError('INVALID_REQUEST', `expiresInDays must be a whole number from 1 to ${MAX_TOKEN_DAYS}.`);
    }
    const token = newToken();
    const scram = await scramCredentials(token);
    const now = this.ctx.now();
    const expiresAt = days === undefined ? null : now + days * DAY_MS;
    const details = { role, expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString() };
    const row = await auditedChange(this.ctx, { action: 'tokens.create', target: name, actor, details }, async (tx) => {
      const user = await tx.query(`SELECT 1 FROM users WHERE name = $1`, [name], { name: 'auth.users_exists' });
      if (user.length > 0) throw new BrokerError('DUPLICATE_RESOURCE', `A user is named "${name}": users and tokens need distinct names.`);
      await tx.query(`DELETE FROM api_tokens WHERE name = $1 AND (revoked_at IS NOT NULL OR expires_at <= $2)`, [name, now], {
        name: 'auth.tokens_replace_dead',
      });
      const [inserted] = await tx.query<TokenRow>(
        `INSERT INTO api_tokens (name, role, token_hash, created_by, created_at, expires_at, scram_sha256, scram_sha512)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
        [name, role, secretHash(token), actor.principal.name, now, expiresAt, scram['SCRAM-SHA-256'], scram['SCRAM-SHA-512']],
        { name: 'auth.tokens_create' },
      );
      if (!inserted) throw new BrokerError('DUPLICATE_RESOURCE', `A token named "${name}" exists: revoke it first or choose another name.`);
      return inserted;
    });
    return { token, summary: summary(row) };
  }

  /** Newest first, revoked and expired ones too (until their name is reused). */
  async list(): Promise<TokenSummary[]> {
    const rows = await this.ctx.db.query<TokenRow>(`SELECT ${COLUMNS} FROM api_tokens ORDER BY created_at DESC, name`, [], {
      name: 'auth.tokens_list',
    });
    return rows.map(summary);
  }

  /** Revokes at once, in every process (each request looks the token up). Revoking a revoked token changes nothing. */
  async revoke(name: string, actor: AuditActor): Promise<void> {
    checkName('token', name);
    const now = this.ctx.now();
    await auditedChange(this.ctx, { action: 'tokens.revoke', target: name, actor }, async (tx) => {
      const [row] = await tx.query<{ revoked_at: number | null }>(`SELECT revoked_at FROM api_tokens WHERE name = $1 FOR UPDATE`, [name], {
        name: 'auth.tokens_get',
      });
      if (!row) throw new BrokerError('RESOURCE_NOT_FOUND', `There is no token named "${name}".`);
      if (row.revoked_at === null) {
        await tx.query(`UPDATE api_tokens SET revoked_at = $2 WHERE name = $1`, [name, now], { name: 'auth.tokens_revoke' });
      }
    });
  }
}
