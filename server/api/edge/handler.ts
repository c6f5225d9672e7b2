import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Principal } from '@/server/kernel/auth-types';
import { type AuthClass, refusal } from '../auth/authorize';
import { errorId, trpcCode } from '../errors';
import { appRouter } from '../root';
import type { Context, Meta, RequestContext } from '../trpc';
import { admission, callerBeforeBody, procedureAt, procedurePaths } from './caller';
import { EXAMPLE_PRINCIPAL, forwardedHttps, type RequestFacts, requestContext } from './credentials';
import { type Admission, defaultEdgeLimits, guardApiRequest } from './guard';
import { checkJsonBody } from './media-type';
import { trpcRefusal } from './respond';

/** The first hop in X-Forwarded-For when behind a proxy or load balancer. */
export function clientHost(headers: Headers): string {
  return headers.get('x-forwarded-for')?.split(',')[0]?.trim() || headers.get('x-real-ip') || '';
}

/**
 * A web Request has no socket (the bench route through Next, tests, in-process callers). What a proxy said
 * (X-Forwarded-For) only labels group members: anyone can send it, so it never keys the login limit or
 * the audit log's address.
 */
function webFacts(req: Request): RequestFacts {
  const host = clientHost(req.headers);
  return { address: null, secure: new URL(req.url).protocol === 'https:' || forwardedHttps(req.headers), clientHost: host };
}

/**
 * The tRPC API as server/main.ts serves it: Host, Origin, URL and body limits first (nothing
 * oversized or foreign is read or parsed), then the router. Tests call it with their own broker; the
 * benchmark's reference route through Next (app/api/bench) serves it under another `endpoint`.
 */
export async function handleApiRequest(
  original: Request,
  broker: () => Promise<Context['broker']>,
  endpoint = '/api/trpc',
  as?: Principal,
): Promise<Response> {
  const facts = webFacts(original);
  let context: RequestContext | undefined;
  // In-process callers (`as`) are trusted and send JSON; anyone else is admitted as node-request.ts does.
  const admit = as
    ? undefined
    : async (): Promise<Admission> => {
        const media = checkJsonBody(original.headers.get('content-type'), original.body !== null);
        if (media) return { refusal: media };
        const caller = await callerBeforeBody(original.url, original.headers, facts, broker, endpoint);
        if ('refusal' in caller) return caller;
        context = caller.context;
        return admission(caller, facts, defaultEdgeLimits());
      };
  const guarded = await guardApiRequest(original, defaultEdgeLimits().budget, admit);
  if ('response' in guarded) return guarded.response;
  let request = guarded.request;
  // A mutation without a body and without a content type (auth.logout) is a JSON call without input.
  if (request.method === 'POST' && !request.body && !request.headers.has('content-type')) {
    const headers = new Headers(request.headers);
    headers.set('content-type', 'application/json');
    request = new Request(request.url, { method: request.method, headers, signal: request.signal });
    Object.defineProperty(request, 'json', { value: async () => undefined });
  }
  return serveTrpc(request, guarded.release, broker, { endpoint, facts, as, context });
}

/**
 * The API called in this process (no socket), through the same edge as anyone's, as `principal`; null:
 * as a caller without credentials (refused where a role is needed). Routers get it as `ctx.api` and
 * `ctx.callerApi` (withApi), so nothing they import needs this module.
 */
export function inProcessFetch(broker: Context['broker'], principal: Principal | null): typeof fetch {
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('host', 'localhost'); // an allowed Host, as a local client would send
    return handleApiRequest(new Request(input, { ...init, headers }), async () => broker, undefined, principal ?? undefined);
  };
}

/**
 * A request's full context: what its credentials made, and this API as in-process clients: as the
 * examples' own services (EXAMPLE_PRINCIPAL), and as the caller (an admin's "reset" acts with that admin's
 * role and ACLs, and is audited under their name).
 */
export function withApi(ctx: RequestContext): Context {
  return { ...ctx, api: inProcessFetch(ctx.broker, EXAMPLE_PRINCIPAL), callerApi: inProcessFetch(ctx.broker, ctx.principal) };
}

/**
 * The classes of the subscriptions a request names. Their role check runs before tRPC: tRPC runs a
 * subscription's middlewares (and its context) inside the event stream it has already answered 200 to,
 * so a refusal there would arrive as an event, not as 401 or 403.
 */
function subscriptionClasses(url: string, endpoint: string): Array<[string, Exclude<AuthClass, 'public'>]> {
  const found: Array<[string, Exclude<AuthClass, 'public'>]> = [];
  for (const path of procedurePaths(url, endpoint)) {
    const procedure = procedureAt(path);
    const cls = (procedure?._def.meta as Meta | undefined)?.auth;
    if (procedure?._def.type === 'subscription' && cls && cls !== 'public') found.push([path, cls]);
  }
  return found;
}

/** tRPC's fetch adapter on a request that passed the edge; `release` gives its body back to the shared budget. */
export async function serveTrpc(
  req: Request,
  release: () => void,
  broker: () => Promise<Context['broker']>,
  options: { endpoint?: string; facts: RequestFacts; as?: Principal; context?: RequestContext },
): Promise<Response> {
  // The edge may have resolved the caller already, before reading the body (node-request.ts).
  let early: RequestContext | null = options.context ?? null;
  try {
    const endpoint = options.endpoint ?? '/api/trpc';
    const classes = subscriptionClasses(req.url, endpoint);
    if (classes.length > 0) {
      // A failure here (database away) is left to tRPC: createContext meets it again and answers it as usual.
      const ctx =
        early ??
        (await broker()
          .then((b) => requestContext(b, req.headers, options.facts, new Headers(), options.as))
          .catch(() => null));
      early = ctx;
      for (const [path, cls] of ctx ? classes : []) {
        const refused = ctx && refusal(ctx, cls, path);
        if (refused)
          return trpcRefusal(req, {
            status: refused.kafkaName === 'SASL_AUTHENTICATION_FAILED' ? 401 : 403,
            trpcCode: trpcCode(refused),
            kafka: { name: refused.kafkaName, code: refused.kafkaCode, retriable: refused.retriable },
            message: refused.message,
          });
      }
    }
    return await fetchRequestHandler({
      endpoint: options.endpoint ?? '/api/trpc',
      req,
      router: appRouter,
      createContext: async ({ resHeaders }) => {
        if (!early) return withApi(await requestContext(await broker(), req.headers, options.facts, resHeaders, options.as));
        for (const [name, value] of early.resHeaders) resHeaders.append(name, value);
        // The procedure's own headers (a login's Set-Cookie) go to this response's headers.
        return withApi({ ...early, resHeaders });
      },
      onError({ error, path }) {
        // Client mistakes are answered, not logged; only unexpected failures reach the server log.
        if (error.code === 'INTERNAL_SERVER_ERROR')
          console.error(`[brook] tRPC ${path ?? '?'} failed (id ${errorId(error)}):`, error.cause ?? error);
      },
    });
  } finally {
    release(); // the body has been parsed and answered: its bytes leave the shared budget
  }
}
