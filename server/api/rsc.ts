import 'server-only';
import type { FetchQueryOptions, QueryKey } from '@tanstack/react-query';
import { TRPCError } from '@trpc/server';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { cookies, headers as requestHeaders } from 'next/headers';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import type { Principal } from '@/server/kernel/auth-types';
import { getBroker } from '@/server/runtime';
import { forwardedHttps, requestContext, sessionCookieName } from './edge/credentials';
import { withApi } from './edge/handler';
import { makeQueryClient } from './query-client';
import { appRouter } from './root';
import type { Context } from './trpc';

/** Server components: prefetch through the router itself (no HTTP), one QueryClient per request. */
export const getQueryClient = cache(makeQueryClient);

/**
 * The page's caller, from its session cookie (server components have no Authorization header), once per
 * request: the anonymous admin with auth off or none; null with auth on and no valid session (the page
 * renders no data: its procedures answer 401, and the console sends the visitor to /login).
 */
const pageContext = cache(async (): Promise<Context> => {
  const broker = await getBroker();
  // Next reports the scheme it was reached on as X-Forwarded-Proto (ours, or a proxy's in front).
  const secure = forwardedHttps(await requestHeaders());
  const name = sessionCookieName(secure);
  const session = (await cookies()).get(name)?.value;
  const headers = new Headers();
  if (session) headers.set('cookie', `${name}=${session}`);
  return withApi(await requestContext(broker, headers, { address: null, secure, clientHost: '' }, new Headers()));
});

export async function currentPrincipal(): Promise<Principal | null> {
  return (await pageContext()).principal;
}

export const trpc = createTRPCOptionsProxy({
  ctx: pageContext,
  router: appRouter,
  queryClient: getQueryClient,
});

/**
 * Fetches what a page is about (a topic, a group) through the router, keeping it for the client; an
 * unknown name (UNKNOWN_TOPIC_OR_PARTITION, GROUP_ID_NOT_FOUND: tRPC NOT_FOUND) renders the 404 page
 * with status 404 instead of an empty page with actions on nothing.
 */
export async function fetchOrNotFound<T, E, K extends QueryKey>(options: FetchQueryOptions<T, E, T, K>): Promise<T> {
  try {
    return await getQueryClient().fetchQuery(options);
  } catch (err) {
    if (err instanceof TRPCError && err.code === 'NOT_FOUND') notFound();
    throw err;
  }
}

/** A route parameter as text; a malformed escape (`%E0%A4%A`) names nothing, so 404 rather than 500. */
export function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    notFound();
  }
}
