import type { Database, Queryable } from '@/db/client';
import type { AuditEntry } from '@/server/kernel/auth-types';
import { BrokerError } from '../errors';
import { PRINCIPAL_NAME } from './names';

export type AuditRecord = Omit<AuditEntry, 'id' | 'at'>;

export interface AuditQuery {
  /** 1 to 1000 (default 100). */
  limit?: number;
  /** An entry id: only older entries (the next page). */
  before?: string;
  actor?: string;
  action?: string;
}

/** Keys whose values never reach the log, whatever a caller passes (defence in depth). */
const SECRET_KEY = /^(password|passwd|secret|token|cookie|authorization|session|credential)s?$/i;

function scrub(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return depth > 4 ? '[...]' : value.map((v) => scrub(v, depth + 1));
  if (value && typeof value === 'object') {
    if (depth > 4) return '[...]';
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [clip(k, 200), SECRET_KEY.test(k) ? '[redacted]' : scrub(v, depth + 1)]),
    );
  }
  return typeof value === 'string' ? clip(value, 1000) : value;
}

/** Attempted user names and addresses come from clients: bound what one entry can hold. */
const clip = <T extends string | null>(s: T, max: number): T => {
  if (s === null) return s;
  // Text Postgres (text, jsonb) cannot store: NUL and unpaired surrogates become U+FFFD (found by npm run fuzz).
  const storable = (s as string & { toWellFormed(): string }).toWellFormed().replaceAll('\u0000', '\uFFFD');
  return (storable.length > max ? `${storable.slice(0, max)}…` : storable) as T;
};

/**
 * The user name a failed login tried, as the audit log records it: a name that could be real (letters,
 * digits, `.`, `_`, `-`) as it is; anything else JSON-quoted, with whitespace, controls and every non-ASCII
 * character escaped (`"admin "` becomes `"admin\u0020"`, a fullwidth `ａdmin` `"\uff41dmin"`), so it can
 * never pass for a real user's name in the log or the console. Empty: `""`.
 */
export function attemptedName(name: string): string {
  if (PRINCIPAL_NAME.test(name)) return name;
  let escaped = '';
  // UTF-16 units, so a lone surrogate is escaped like any other.
  for (const unit of name.slice(0, 200).split('')) {
    const code = unit.charCodeAt(0);
    if (unit === '"' || unit === '\\') escaped += `\\${unit}`;
    else if (code > 0x20 && code < 0x7f) escaped += unit;
    else escaped += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return `"${escaped}"`;
}

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  actor_kind: AuditEntry['actorKind'];
  action: string;
  target: string | null;
  address: string | null;
  outcome: AuditEntry['outcome'];
  details: Record<string, unknown> | null;
}

/** The audit log: who did what, when, from where, how it ended. Newest first; pruned after the retention. */
export class AuditLog {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
    readonly retentionMs: number,
  ) {}

  /** `q`: a transaction to write in, so the entry commits (or not) with the change it describes. */
  async record(entry: AuditRecord, q: Queryable = this.db): Promise<void> {
    await q.query(
      `INSERT INTO audit_log (at, actor, actor_kind, action, target, address, outcome, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        this.now(),
        clip(entry.actor, 200),
        entry.actorKind,
        clip(entry.action, 100),
        clip(entry.target, 300),
        clip(entry.address, 100),
        entry.outcome,
        entry.details === null ? null : scrub(entry.details),
      ],
      { name: 'audit.record' },
    );
  }

  async list(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const limit = query.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new BrokerError('INVALID_REQUEST', 'limit must be from 1 to 1000.');
    if (query.before !== undefined && !/^\d{1,18}$/.test(query.before)) {
      throw new BrokerError('INVALID_REQUEST', 'before must be an audit entry id.');
    }
    const rows = await this.db.query<AuditRow>(
      `SELECT id, at, actor, actor_kind, action, target, address, outcome, details FROM audit_log
       WHERE ($1::bigint IS NULL OR id < $1::bigint) AND ($2::text IS NULL OR actor = $2) AND ($3::text IS NULL OR action = $3)
       ORDER BY id DESC LIMIT $4`,
      [query.before ?? null, query.actor ?? null, query.action ?? null, limit],
      { name: 'audit.list' },
    );
    return rows.map((r) => ({
      id: String(r.id),
      at: new Date(Number(r.at)),
      actor: r.actor,
      actorKind: r.actor_kind,
      action: r.action,
      target: r.target,
      address: r.address,
      outcome: r.outcome,
      details: r.details,
    }));
  }

  /** Deletes entries older than the retention, in bounded batches (short transactions); returns how many. */
  async prune(): Promise<number> {
    const cutoff = this.now() - this.retentionMs;
    let total = 0;
    for (;;) {
      const deleted = await this.db.query<{ id: number }>(
        `DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < $1 ORDER BY at LIMIT 10000) RETURNING id`,
        [cutoff],
        { name: 'audit.prune' },
      );
      total += deleted.length;
      if (deleted.length < 10_000) return total;
    }
  }
}
