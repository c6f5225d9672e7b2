import type { ShopStatus } from '@/server/examples/shop/status';
import type { Email } from '@/server/examples/shop/store';
import type { scratchLanes } from '@/server/examples/tour/scratch';
import type { RecordJson } from '../encoding';
import type { Context } from '../trpc';

/**
 * BROOK_HIDE_PAYLOADS, the one rule every procedure that can answer record content goes through: a caller
 * whose role is listed sees offsets, timestamps, partitions and header keys, but not keys, values, header
 * values, nor anything an example derived from them (an order's customer, item and quantity); those come
 * back null, and `hidden: true` says why. hide-payloads.test.ts walks every read procedure to hold this.
 */
export const hidesPayloads = (ctx: Pick<Context, 'principal'>): boolean => ctx.principal?.hidePayloads === true;

export function hidePayload<R extends RecordJson>(r: R): R & { hidden?: true } {
  return { ...r, key: null, value: null, headers: r.headers.map((h) => ({ key: h.key, value: null })), hidden: true };
}

/** The records as this caller may see them. */
export function visible<R extends RecordJson>(hide: boolean, records: R[]): Array<R & { hidden?: true }> {
  return hide ? records.map(hidePayload) : records;
}

type Lanes = Awaited<ReturnType<typeof scratchLanes>>;

/** The tour's newest records are messages like any others. */
export function visibleLanes(hide: boolean, lanes: Lanes) {
  if (!hide || !lanes) return lanes;
  return {
    ...lanes,
    lanes: lanes.lanes.map((l) => ({ ...l, recent: l.recent.map((r) => ({ ...r, key: null, value: null, hidden: true as const })) })),
  };
}

/** An email of the shop's outbox as this caller may see it: who ordered what is the order record's value. */
export type VisibleEmail = Omit<Email, 'orderId' | 'customer' | 'item' | 'quantity'> & {
  orderId: string | null;
  customer: string | null;
  item: string | null;
  quantity: number | null;
  hidden?: true;
};

/**
 * The shop's status: its emails carry the orders' content. Stock levels stay: they are the inventory
 * service's own state (sums over all orders), as a viewer of a real shop's dashboard would see them.
 */
export function visibleShopStatus(
  hide: boolean,
  status: ShopStatus,
): Omit<ShopStatus, 'outbox'> & { outbox: { size: number; last: VisibleEmail[] } } {
  if (!hide) return status;
  const last = status.outbox.last.map((e) => ({ ...e, orderId: null, customer: null, item: null, quantity: null, hidden: true as const }));
  return { ...status, outbox: { ...status.outbox, last } };
}
