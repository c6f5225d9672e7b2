import type { Database, Queryable } from '@/db/client';
import type { StoredScramCredential } from '@/db/schema';
import type { Principal, Role, ScramCredential, ScramMechanism } from '@/server/kernel/auth-types';
import { isBrokerError } from '../errors';
import type { AuditLog } from './audit';
import { hashPassword } from './passwords';
import { SCRAM_MECHANISMS, scramCredential } from './scram';

/** Who made a change, and from where (HTTP or Kafka client address; null for the CLI). */
export interface AuditActor {
  principal: Principal;
  address: string | null;
}

/** What the user and token stores share: the database, the clock, the audit log and how principals look. */
export interface AuthStoreContext {
  db: Database;
  now: () => number;
  audit: AuditLog;
  principal(kind: Principal['kind'], name: string, role: Role, expiresAt?: Date): Principal;
}

/** Serialises changes to users and tokens across processes (names shared by both, the last admin). "brooka" in ASCII. */
export const AUTH_LOCK_KEY = 0x62726f6f6b61;

/**
 * One change to users or tokens: in a transaction holding the auth lock, audited in that transaction
 * (the entry commits with the change). A refused change (a BrokerError) is audited as 'failed' afterwards.
 */
export async function auditedChange<T>(
  ctx: AuthStoreContext,
  change: { action: string; target: string | null; actor: AuditActor; details?: Record<string, unknown> | null },
  fn: (tx: Queryable) => Promise<T>,
): Promise<T> {
  const entry = {
    actor: change.actor.principal.name,
    actorKind: change.actor.principal.kind,
    action: change.action,
    target: change.target,
    address: change.actor.address,
    details: change.details ?? null,
  };
  try {
    return await ctx.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [AUTH_LOCK_KEY], { name: 'auth.lock' });
      const result = await fn(tx);
      await ctx.audit.record({ ...entry, outcome: 'ok' }, tx);
      return result;
    });
  } catch (err) {
    if (isBrokerError(err)) {
      await ctx.audit.record({ ...entry, outcome: 'failed', details: { ...entry.details, error: err.kafkaName } }).catch(() => {});
    }
    throw err;
  }
}

export const encodeScram = (c: ScramCredential): StoredScramCredential => ({
  salt: c.salt.toString('base64'),
  iterations: c.iterations,
  storedKey: c.storedKey.toString('base64'),
  serverKey: c.serverKey.toString('base64'),
});

export const decodeScram = (c: StoredScramCredential): ScramCredential => ({
  salt: Buffer.from(c.salt, 'base64'),
  iterations: c.iterations,
  storedKey: Buffer.from(c.storedKey, 'base64'),
  serverKey: Buffer.from(c.serverKey, 'base64'),
});

/** SCRAM-SHA-256 and -512 credentials for a secret (a password, or a token used as one). */
export async function scramCredentials(secret: string): Promise<Record<ScramMechanism, StoredScramCredential>> {
  const [sha256, sha512] = await Promise.all(SCRAM_MECHANISMS.map(async (m) => encodeScram(await scramCredential(m, secret))));
  return { 'SCRAM-SHA-256': sha256, 'SCRAM-SHA-512': sha512 };
}

/** Everything stored for a password: the scrypt hash and both SCRAM credentials. */
export async function passwordCredentials(password: string) {
  const [hash, scram] = await Promise.all([hashPassword(password), scramCredentials(password)]);
  return { hash, scram };
}
