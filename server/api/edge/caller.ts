import type { AnyProcedure } from '@trpc/server';
import { asBrokerError } from '@/server/broker/errors';
import { unauthenticated } from '../auth/authorize';
import { trpcCode } from '../errors';
import { appRouter } from '../root';
import type { Context, Meta, RequestContext } from '../trpc';
import type { BodyBudget } from './body';
import { type RequestFacts, requestContext } from './credentials';
import type { EdgeLimits } from './limits';
import type { EdgeRefusal } from './respond';

/** The procedure paths a tRPC URL names (`a.b,c.d` in a batch); [] when it names none or is malformed. */
export function procedurePaths(url: string, endpoint = '/api/trpc'): string[] {
  const { pathname } = new URL(url);
  if (!pathname.startsWith(`${endpoint}/`)) return [];
  try {
    return decodeURIComponent(pathname.slice(endpoint.length + 1)).split(',');
  } catch {
    return [];
  }
}

const procedures = () => appRouter._def.procedures as unknown as Record<string, AnyProcedure | undefined>;

/** The procedure at `path`, or undefined (never a property of Object.prototype). */
export function procedureAt(path: string): AnyProcedure | undefined {
  const all = procedures();
  return Object.hasOwn(all, path) ? all[path] : undefined;
}

/** Every path names a procedure that needs no credentials (auth.login, auth.me, auth.logout). */
export function allPublic(paths: string[]): boolean {
  return paths.length > 0 && paths.every((p) => (procedureAt(p)?._def.meta as Meta | undefined)?.auth === 'public');
}

export type Caller = { context: RequestContext; authenticated: boolean; publicOnly: boolean } | { refusal: EdgeRefusal };

/**
 * Who calls, from the headers alone, before a byte of the body is read: credentials travel in the headers
 * (a bearer token, the session cookie). With auth on, a caller without valid ones may call only public
 * procedures: anything else is refused here (401, SASL_AUTHENTICATION_FAILED, tRPC's error shape), so an
 * anonymous socket can never make the server hold a large body. The context is handed on to tRPC, so the
 * credentials are looked up once per request.
 */
export async function callerBeforeBody(
  url: string,
  headers: Headers,
  facts: RequestFacts,
  broker: () => Promise<Context['broker']>,
  endpoint = '/api/trpc',
): Promise<Caller> {
  let context: RequestContext;
  try {
    context = await requestContext(await broker(), headers, facts, new Headers());
  } catch (err) {
    // The database is away (or the engine never started): nobody can be authenticated, so nothing is read.
    const e = asBrokerError(err);
    return {
      refusal: {
        status: 503,
        trpcCode: 'SERVICE_UNAVAILABLE',
        kafka: e ? { name: e.kafkaName, code: e.kafkaCode, retriable: true } : { name: 'BROKER_NOT_AVAILABLE', code: 8, retriable: true },
        message: e?.retriable ? e.message : 'The broker is not available yet; retry shortly.',
      },
    };
  }
  const publicOnly = allPublic(procedurePaths(url, endpoint));
  const authenticated = context.principal !== null && context.authMode === 'on';
  if (context.principal !== null || publicOnly) return { context, authenticated, publicOnly };
  const refused = unauthenticated(context);
  return {
    refusal: {
      status: 401,
      trpcCode: trpcCode(refused),
      kafka: { name: refused.kafkaName, code: refused.kafkaCode, retriable: refused.retriable },
      message: refused.message,
    },
  };
}

/**
 * How much of its body an admitted caller may send, and under which key it holds budget: with auth on and
 * no credentials (a public call) the small limit and pool, keyed by address; otherwise the full limit,
 * keyed by principal with auth on (so callers behind one proxy address are told apart), else by address.
 */
export function admission(
  caller: Extract<Caller, { context: RequestContext }>,
  facts: RequestFacts,
  limits: EdgeLimits,
): { limit: number; budget: BodyBudget; key: string; timeoutMs: number } {
  const small = caller.context.authMode === 'on' && !caller.authenticated;
  const principal = caller.context.principal;
  const key = caller.authenticated && principal ? `principal:${principal.kind}:${principal.name}` : `address:${facts.address ?? ''}`;
  return small
    ? { limit: limits.publicBodyBytes, budget: limits.publicBudget, key, timeoutMs: limits.publicTimeoutMs }
    : { limit: limits.bodyBytes, budget: limits.budget, key, timeoutMs: limits.timeoutMs };
}
