import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import { getQueryClient } from '@/server/api/rsc';

/** Hands what the server component prefetched to the client components below, so they render at once. */
export function Hydrate({ children }: { children: React.ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
