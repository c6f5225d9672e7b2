import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { cache } from 'react';
import { getBroker } from '@/server/runtime';
import { makeQueryClient } from './query-client';
import { appRouter } from './root';

/** Server components: prefetch through the router itself (no HTTP), one QueryClient per request. */
export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy({
  ctx: async () => ({ broker: await getBroker() }),
  router: appRouter,
  queryClient: getQueryClient,
});
