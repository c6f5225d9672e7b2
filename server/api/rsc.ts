import 'server-only';
import type { FetchQueryOptions, QueryKey } from '@tanstack/react-query';
import { TRPCError } from '@trpc/server';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { getBroker } from '@/server/runtime';
import { makeQueryClient } from './query-client';
import { appRouter } from './root';

/** Server components: prefetch through the router itself (no HTTP), one QueryClient per request. */
export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy({
  ctx: async () => ({ broker: await getBroker(), headers: new Headers() }),
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
