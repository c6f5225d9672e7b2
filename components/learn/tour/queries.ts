import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc/provider';
import { REFETCH_MS } from '@/components/trpc/refetch';

/** The tour's queries and mutations with their refetch pace; widgets call these only. */
export function useScratch() {
  const trpc = useTRPC();
  return useQuery(trpc.learn.scratch.queryOptions(undefined, { refetchInterval: REFETCH_MS.live }));
}

export function useTourGroup() {
  const trpc = useTRPC();
  return useQuery(trpc.learn.group.queryOptions(undefined, { refetchInterval: REFETCH_MS.live }));
}

/** The real partitioner on the server; a key already asked is answered from the cache (it never changes). */
export function usePartitionFor(key: string, partitions: number) {
  const trpc = useTRPC();
  return useQuery(
    trpc.learn.partitionFor.queryOptions({ key, partitions }, { enabled: key.length > 0, staleTime: Number.POSITIVE_INFINITY }),
  );
}

/** Everything a tour action changes is refetched after it (lanes, group, segments). */
export function useRefreshTour() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: trpc.learn.scratch.queryKey() }),
      qc.invalidateQueries({ queryKey: trpc.learn.group.queryKey() }),
      qc.invalidateQueries({ queryKey: trpc.topics.segments.queryKey() }),
    ]);
}

/** records.produce on the scratch topic: the same call any producer makes. */
export function useProduceScratch() {
  const trpc = useTRPC();
  const refresh = useRefreshTour();
  return useMutation(trpc.records.produce.mutationOptions({ onSuccess: () => void refresh() }));
}

export function useGroupButtons() {
  const trpc = useTRPC();
  const refresh = useRefreshTour();
  return {
    add: useMutation(trpc.learn.addConsumer.mutationOptions({ onSuccess: () => void refresh() })),
    remove: useMutation(trpc.learn.removeConsumer.mutationOptions({ onSuccess: () => void refresh() })),
  };
}
