import { initTRPC, TRPCError } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { ZodError, z } from 'zod';
import type { Broker } from '@/server/broker';
import { asBrokerError, isBrokerError } from '@/server/broker/errors';
import type { AuthMode, Permission, Principal } from '@/server/kernel/auth-types';
import { type AclCheck, type AuthClass, authorize, type Resource } from './auth/authorize';
import {
  errorId,
  INVALID_REQUEST_DATA,
  internalErrorMessage,
  kafkaErrorData,
  toTRPCError,
  trpcCode,
  UNKNOWN_SERVER_ERROR_DATA,
} from './errors';

/**
 * tRPC setup: context, error formatter, procedures. Plain JSON (no transformer), so curl and any HTTP
 * client can call the API: queries are GET /api/trpc/<name>?input=<json>, mutations POST with a JSON body.
 */
export interface Context {
  broker: Broker;
  /** The caller's address as the HTTP edge saw it (shown as a group member's host). */
  clientHost?: string;
  /** Who is calling: the anonymous admin with auth off or none; null with auth on and no valid credentials. */
  principal: Principal | null;
  /** Credentials came (a bearer token, a session cookie) but were not accepted: unknown, expired or revoked. */
  rejectedCredentials?: boolean;
  authMode: AuthMode;
  /** The client's address for the audit log and login limits (the socket's peer; null in-process). */
  address: string | null;
  /** Served over https, or behind a proxy that says so (X-Forwarded-Proto): session cookies get Secure. */
  secure: boolean;
  /** The request's headers (empty for in-process callers). */
  headers: Headers;
  /** Headers to add to the response (Set-Cookie). */
  resHeaders: Headers;
  /**
   * This API as an in-process client (no socket), through the same edge as anyone's, as the examples'
   * principal: the examples' services are Brook clients. Given by the edge, so routers need not import it.
   */
  api: typeof fetch;
  /** This API in-process as the caller itself (same role, ACLs and audit name): for what a caller asks an example to do. */
  callerApi: typeof fetch;
}

/** A context as the credentials make it, before the edge adds its in-process clients. */
export type RequestContext = Omit<Context, 'api' | 'callerApi'>;

/** What each procedure needs: `public`, or a permission on a resource (the Kafka error name on 403). */
export interface Meta {
  auth: AuthClass;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    // Subscriptions (records.tail) stream over Server-Sent Events; pings keep proxies from closing them.
    sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
    errorFormatter({ shape, error }) {
      const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
      const kafka =
        kafkaErrorData(error.cause) ??
        // Every refusal tRPC makes itself (bad input, wrong method, unknown procedure) is the client's INVALID_REQUEST.
        (error.code === 'INTERNAL_SERVER_ERROR' ? UNKNOWN_SERVER_ERROR_DATA : INVALID_REQUEST_DATA);
      // A transient database failure that did not pass the middleware (an SSE stream already under way,
      // context creation): same name, message and code as a procedure's, and never the driver's text.
      const transient = !isBrokerError(error.cause) ? asBrokerError(error.cause) : null;
      if (transient) {
        const code = trpcCode(transient);
        return {
          ...shape,
          message: transient.message,
          code: TRPC_ERROR_CODES_BY_KEY[code],
          data: { ...shape.data, code, httpStatus: 503, stack: undefined, kafka, zodError },
        };
      }
      // Anything else unexpected: the id, not the cause's text (the log has both).
      const message =
        error.code === 'INTERNAL_SERVER_ERROR' && !isBrokerError(error.cause) ? internalErrorMessage(errorId(error)) : shape.message;
      return { ...shape, message, data: { ...shape.data, stack: undefined, kafka, zodError } };
    },
  });

/**
 * Broker errors keep their Kafka name and code and get the matching HTTP status. Transient database
 * failures (connection lost, server restarting, serialization failure, timeout) become retriable Kafka
 * errors here, once for every procedure: 503 with a message that names no host.
 */
const kafkaErrors = t.middleware(async ({ next }) => {
  const result = await next();
  const err = result.ok ? null : asBrokerError(result.error.cause);
  if (err) throw toTRPCError(err);
  // A subscription fails while it streams (an unknown topic, a bad offset): the same mapping per event.
  if (result.ok && isAsyncIterable(result.data)) return { ...result, data: kafkaNamedStream(result.data) };
  return result;
});

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> => typeof v === 'object' && v !== null && Symbol.asyncIterator in v;

async function* kafkaNamedStream<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (cause) {
    const err = asBrokerError(cause);
    throw err ? toTRPCError(err) : cause;
  }
}

/** Role check, and the audit line of admin procedures (server/api/auth/authorize.ts). */
const roles = t.middleware((opts) => authorize(opts));

export const createTRPCRouter = t.router;
/** Needs no credentials (auth.login, auth.me, auth.logout). */
export const publicProcedure = t.procedure.meta({ auth: 'public' }).use(kafkaErrors);

/**
 * Needs `permission` (viewer: read, producer: write, admin: admin): 401 without valid credentials, 403
 * (TOPIC_/GROUP_/CLUSTER_AUTHORIZATION_FAILED by `resource`) with a role below it. Admin procedures are
 * audited (ok, failed, denied); `audit: 'denied'` only their refusals (auth.*, whose changes the engine
 * audits itself, and admin reads), under the engine's action name `action`. `acl`: the ACL operation on the
 * resource the input's field names (403 with the same Kafka names when a binding refuses it).
 */
export function authorized(
  permission: Permission,
  resource: Resource,
  options: { audit?: 'all' | 'denied'; action?: string; acl?: AclCheck } = {},
) {
  const audit = permission === 'admin' ? (options.audit ?? 'all') : 'none';
  return t.procedure
    .meta({ auth: { permission, resource, audit, action: options.action, acl: options.acl } })
    .use(kafkaErrors)
    .use(roles);
}
export { TRPCError };
