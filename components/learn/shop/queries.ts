import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc/provider';
import { REFETCH_MS } from '@/components/trpc/refetch';
import type { LaneRecords, ServiceName, ShopStatus } from './types';

/**
 * The online-store example's queries. The picture moves with 50 orders/s, so it polls faster than the
 * console's REFETCH_MS.live (2 s): at REFETCH_MS.picture, a small status and the newest cells per lane.
 */
/** Records read per lane; the lane draws as many of them as fit. */
export const LANE_CELLS = 24;

export function useShopStatus() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.shop.status.queryOptions(undefined, { refetchInterval: REFETCH_MS.picture }), select: (s): ShopStatus => s });
}

/**
 * The newest LANE_CELLS records of each partition (only once the topic exists), one read per lane so a
 * busy partition never crowds out a quiet one. The array keeps its identity until a read changes.
 */
export function useLaneRecords(topic: string, partitions: number, enabled: boolean): Array<LaneRecords | undefined> {
  const trpc = useTRPC();
  return useQueries({
    queries: Array.from({ length: partitions }, (_, p) =>
      trpc.records.browse.queryOptions(
        { topic, partitions: [p], start: 'newest', pageSize: LANE_CELLS },
        { enabled, refetchInterval: REFETCH_MS.picture, placeholderData: (prev) => prev },
      ),
    ),
    combine: (results) =>
      results.map((r, p) => {
        const w = r.data?.watermarks[p];
        return r.data && w ? { partition: p, ...w, records: r.data.records } : undefined;
      }),
  });
}

/** Every control of the page: each refreshes the status when it lands. */
export function useShopActions() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const onSuccess = () => qc.invalidateQueries({ queryKey: trpc.shop.pathKey() });
  return {
    start: useMutation(trpc.shop.start.mutationOptions({ onSuccess })),
    placeOrder: useMutation(trpc.shop.placeOrder.mutationOptions({ onSuccess })),
    generator: useMutation(trpc.shop.generator.mutationOptions({ onSuccess })),
    service: useMutation(trpc.shop.service.mutationOptions({ onSuccess })),
    crashMember: useMutation(trpc.shop.crashMember.mutationOptions({ onSuccess })),
    replay: useMutation(trpc.shop.replay.mutationOptions({ onSuccess })),
    // Reset deletes the topic: the lanes stop reading it first (a read of a deleted topic is a 404), and
    // what they read of the old one is dropped, so no cell of it reappears on the new one.
    reset: useMutation(
      trpc.shop.reset.mutationOptions({
        onMutate: () => qc.cancelQueries({ queryKey: trpc.records.browse.pathKey() }),
        onSettled: () => {
          qc.removeQueries({ queryKey: trpc.records.browse.pathKey() });
          return onSuccess();
        },
      }),
    ),
  };
}

export type ShopActions = ReturnType<typeof useShopActions>;
export type { ServiceName };
