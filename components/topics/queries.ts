import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc/provider';
import { REFETCH_MS } from '@/components/trpc/refetch';

/** Topic queries with their refetch pace; pages call these, never `trpc.topics.*.queryOptions` directly. */
export function useTopics() {
  const trpc = useTRPC();
  return useQuery(trpc.topics.list.queryOptions(undefined, { refetchInterval: REFETCH_MS.state }));
}

export function useTopic(name: string) {
  const trpc = useTRPC();
  return useQuery(trpc.topics.get.queryOptions({ name }, { refetchInterval: REFETCH_MS.state }));
}

/** A topic's segments (child tables): they change when a segment rolls or maintenance drops one. */
export function useTopicSegments(name: string) {
  const trpc = useTRPC();
  return useQuery(trpc.topics.segments.queryOptions({ name }, { refetchInterval: REFETCH_MS.samples }));
}

/** Produce rate per topic, from the broker's samples. */
export function useTopicRates() {
  const trpc = useTRPC();
  return useQuery(trpc.rates.topics.queryOptions(undefined, { refetchInterval: REFETCH_MS.samples }));
}
