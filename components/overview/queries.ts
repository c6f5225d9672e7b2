import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc/provider';
import { REFETCH_MS } from '@/components/trpc/refetch';

/** Cluster-wide queries with their refetch pace. */
export function useClusterOverview() {
  const trpc = useTRPC();
  return useQuery(trpc.clusters.describe.queryOptions(undefined, { refetchInterval: REFETCH_MS.state }));
}

/** Produce and consume rates over the last hour, from the broker's samples. */
export function useThroughputHistory() {
  const trpc = useTRPC();
  return useQuery(trpc.rates.history.queryOptions(undefined, { refetchInterval: REFETCH_MS.samples }));
}
