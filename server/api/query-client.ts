import { defaultShouldDehydrateQuery, QueryClient } from '@tanstack/react-query';

/** One factory for the browser's QueryClient and the per-request one used for server prefetching. */
export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 5_000, refetchOnWindowFocus: false },
      dehydrate: {
        // Also hand pending prefetches to the client, so a page streams instead of waiting.
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === 'pending',
      },
    },
  });
}
