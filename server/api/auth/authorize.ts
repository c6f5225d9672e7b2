import { TRPCError } from '@trpc/server';
import type { AclOperation, ResourceType } from '@/server/broker/auth/acls/types';
import { BrokerError, errorMessage } from '@/server/broker/errors';
import { type Permission, roleAllows } from '@/server/kernel/auth-types';
import { kafkaErrorData } from '../errors';
import type { Context, Meta } from '../trpc';

/** What a 403 names: Kafka's TOPIC_/GROUP_/CLUSTER_AUTHORIZATION_FAILED. */
export type Resource = 'topic' | 'group' | 'cluster';

/**
 * The ACL check on the resource a call names (server/broker/auth/acls): `operation` on the topic, group or
 * cluster named by the input's `field` (a call without it, such as a list, checks nothing here and filters
 * its answer instead).
 */
export interface AclCheck {
  operation: AclOperation;
  field: string;
}

export type AuthClass =
  | 'public'
  | { permission: Permission; resource: Resource; audit: 'all' | 'denied' | 'none'; action?: string; acl?: AclCheck };

const ACL_TYPE: Record<Resource, ResourceType> = { topic: 'TOPIC', group: 'GROUP', cluster: 'CLUSTER' };

const REFUSAL = {
  topic: 'TOPIC_AUTHORIZATION_FAILED',
  group: 'GROUP_AUTHORIZATION_FAILED',
  cluster: 'CLUSTER_AUTHORIZATION_FAILED',
} as const;

const NEEDED_ROLE: Record<Permission, string> = { read: 'viewer', write: 'producer', admin: 'admin' };

/** The 401: no credentials, or ones that are no longer accepted (said apart; never which token or cookie). */
export function unauthenticated(ctx: Pick<Context, 'rejectedCredentials'>): BrokerError {
  return new BrokerError(
    'SASL_AUTHENTICATION_FAILED',
    ctx.rejectedCredentials
      ? 'Authentication failed: the token or session is unknown, expired or revoked. Log in again or use another token.'
      : 'Authentication required: log in, or send Authorization: Bearer <token>.',
  );
}

/** The 403 of an ACL refusal on one resource: Kafka's *_AUTHORIZATION_FAILED by its type. */
export function aclRefusal(resource: Resource, operation: AclOperation, name: string, ctx: Pick<Context, 'principal'>): BrokerError {
  return new BrokerError(
    REFUSAL[resource],
    `Not allowed: an ACL does not let ${ctx.principal?.kind === 'token' ? 'token' : 'user'} ${JSON.stringify(ctx.principal?.name)} ${operation} ${resource} ${JSON.stringify(name)}.`,
  );
}

/** May the caller do `operation` on this resource (the broker's ACL cache; admins and auth off always may)? */
export function mayAccess(
  ctx: Pick<Context, 'principal' | 'address' | 'broker'>,
  operation: AclOperation,
  resource: Resource,
  name: string,
): boolean {
  const principal = ctx.principal;
  if (!principal) return false;
  return ctx.broker.auth.acls.allows(principal, ctx.address, operation, ACL_TYPE[resource], name);
}

/** Why this caller may not call a procedure of class `cls` (401 or 403), or null if it may. */
export function refusal(
  ctx: Pick<Context, 'principal' | 'rejectedCredentials'>,
  cls: Exclude<AuthClass, 'public'>,
  path: string,
): BrokerError | null {
  const principal = ctx.principal;
  if (!principal) return unauthenticated(ctx);
  if (roleAllows(principal.role, cls.permission)) return null;
  return new BrokerError(
    REFUSAL[cls.resource],
    `Not allowed: ${path} needs the ${NEEDED_ROLE[cls.permission]} role; ${principal.kind === 'token' ? 'token' : 'user'} ${JSON.stringify(principal.name)} is ${principal.role}.`,
  );
}

interface MiddlewareOptions<R> {
  ctx: Context;
  meta: Meta | undefined;
  path: string;
  getRawInput: () => Promise<unknown>;
  next: () => Promise<R>;
}

type Result = { ok: true } | { ok: false; error: TRPCError };

/**
 * The role check every authorized procedure runs before its input is even parsed (a caller without
 * credentials learns nothing about a procedure's inputs), then the ACL check on the resource the input
 * names (cls.acl), and the audit line of admin procedures:
 * `ok` or `failed` after the call, `denied` for a role below admin.
 */
export async function authorize<R extends Result>(opts: MiddlewareOptions<R>): Promise<R> {
  const { ctx, meta } = opts;
  const cls = meta?.auth;
  // A procedure without a class is a bug; refusing it keeps the bug from being a hole (root.test.ts catches it).
  if (!cls || cls === 'public') throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `${opts.path} has no permission class` });
  const action = cls.action ?? opts.path;
  const refused = refusal(ctx, cls, opts.path);
  if (refused) {
    if (ctx.principal && cls.audit !== 'none')
      await audit(ctx, action, await target(opts), 'denied', { needs: NEEDED_ROLE[cls.permission] });
    throw refused;
  }
  if (cls.acl) {
    // The resource's name from the raw input: a malformed one is refused by the input's parser next.
    const input = await opts.getRawInput().catch(() => undefined);
    const name = input && typeof input === 'object' ? (input as Record<string, unknown>)[cls.acl.field] : undefined;
    if (typeof name === 'string' && !mayAccess(ctx, cls.acl.operation, cls.resource, name)) {
      if (cls.audit !== 'none') await audit(ctx, action, name.slice(0, 300), 'denied', { acl: cls.acl.operation });
      throw aclRefusal(cls.resource, cls.acl.operation, name, ctx);
    }
  }
  const result = await opts.next();
  if (cls.audit === 'all') {
    const failure = result.ok ? null : result.error;
    const details: Record<string, unknown> = {};
    const input = await opts.getRawInput().catch(() => undefined);
    // The input says what was done (to which offsets, which configs); a huge one is left out, not cut.
    if (input !== undefined && jsonLength(input) <= 2_000) details.input = input;
    if (failure) details.error = kafkaErrorData(failure.cause)?.name ?? (failure.code === 'BAD_REQUEST' ? 'INVALID_REQUEST' : failure.code);
    await audit(ctx, action, await target(opts), failure ? 'failed' : 'ok', details);
  }
  return result;
}

/** The thing acted on: a topic, a group, an example's service. */
async function target(opts: { getRawInput: () => Promise<unknown> }): Promise<string | null> {
  const input = await opts.getRawInput().catch(() => undefined);
  if (!input || typeof input !== 'object') return null;
  const o = input as Record<string, unknown>;
  for (const field of ['name', 'groupId', 'topic', 'service']) if (typeof o[field] === 'string') return (o[field] as string).slice(0, 300);
  return null;
}

async function audit(
  ctx: Context,
  action: string,
  target: string | null,
  outcome: 'ok' | 'failed' | 'denied',
  details: Record<string, unknown>,
): Promise<void> {
  const principal = ctx.principal;
  try {
    await ctx.broker.auth.audit.record({
      actor: principal?.name ?? 'unknown',
      actorKind: principal?.kind ?? 'unknown',
      action,
      target,
      address: ctx.address,
      outcome,
      details: Object.keys(details).length > 0 ? details : null,
    });
  } catch (err) {
    // The action itself has happened (or been refused); a lost audit line is logged, not turned into its failure.
    console.error(`[brook] audit log: could not record ${action} (${outcome}): ${errorMessage(err)}`);
  }
}

/** JSON length of an input; Infinity for one too deep to serialize (a 100,000-deep array, found by npm run fuzz). */
function jsonLength(input: unknown): number {
  try {
    return JSON.stringify(input)?.length ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
