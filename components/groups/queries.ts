import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc/provider';
import { REFETCH_MS } from '@/components/trpc/refetch';

/** Consumer-group queries with their refetch pace; pages call these, never `trpc.groups.*.queryOptions` directly. */
export function useGroups() {
  const trpc = useTRPC();
  return useQuery(trpc.groups.list.queryOptions(undefined, { refetchInterval: REFETCH_MS.state }));
}

export function useGroup(groupId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.groups.describe.queryOptions({ groupId }, { refetchInterval: REFETCH_MS.live }));
}

export function useGroupLagHistory(groupId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.groups.lagHistory.queryOptions({ groupId }, { refetchInterval: REFETCH_MS.state }));
}

/** The groups reading a topic, each with its per-partition lag on it. */
export function useTopicConsumers(topic: string) {
  const trpc = useTRPC();
  return useQuery(trpc.groups.byTopic.queryOptions({ topic }, { refetchInterval: REFETCH_MS.state }));
}
