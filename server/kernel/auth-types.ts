/**
 * Who is calling and what they may do: the vocabulary shared by the HTTP API, the console and the Kafka
 * listener. The store behind it (users, tokens, sessions, SCRAM credentials, login limits,
 * the audit log) lives in Postgres; these types are the contract every edge codes against.
 */

/** viewer < producer < admin: each role can do everything the one before it can. */
export const ROLES = ['viewer', 'producer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What an operation needs. `read`: topics, messages, groups, metrics, configs. `write`: produce, fetch as a
 * consumer, join groups, commit offsets. `admin`: create/delete/alter topics, reset and delete offsets and
 * groups, manage users and tokens, read the audit log, run the examples.
 */
export type Permission = 'read' | 'write' | 'admin';

const NEEDS: Record<Permission, Role> = { read: 'viewer', write: 'producer', admin: 'admin' };

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(NEEDS[permission]);
}

/**
 * `on`: every caller authenticates. `off`: nobody does, every caller is an anonymous admin; allowed only
 * while every listener is on loopback (the default). `none`: the same as off on other addresses too,
 * chosen explicitly, and said loudly (Redis's protected mode is the model).
 */
export type AuthMode = 'on' | 'off' | 'none';

/** An authenticated caller (or, with auth off, the anonymous admin). */
export interface Principal {
  kind: 'user' | 'token' | 'anonymous';
  /** The user's or the token's name; `anonymous` with auth off. */
  name: string;
  role: Role;
  /** This role's message payloads are hidden (BROOK_HIDE_PAYLOADS): keys, values and header values come back null. */
  hidePayloads: boolean;
  /** The token's or session's expiry, if any. */
  expiresAt?: Date;
}

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

/** RFC 5802 server-side credential: what the server keeps instead of the password. */
export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** One line of the audit log: who did what, when, from where, and how it ended. */
export interface AuditEntry {
  id: string;
  at: Date;
  /** User or token name; `anonymous` with auth off; the attempted user name for a failed login. */
  actor: string;
  actorKind: Principal['kind'] | 'unknown';
  /** e.g. `auth.login`, `topics.delete`, `users.add`, `tokens.revoke`, `sasl.authenticate`. */
  action: string;
  /** What it acted on (a topic, group, user or token name), if anything. */
  target: string | null;
  /** The client's address (HTTP or Kafka). */
  address: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  /** Anything else worth keeping; never a password, token or cookie. */
  details: Record<string, unknown> | null;
}

export interface UserSummary {
  name: string;
  role: Role;
  createdAt: Date;
  updatedAt: Date;
}

export interface TokenSummary {
  name: string;
  role: Role;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}
