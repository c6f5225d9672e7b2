import type { OutputOf } from '@/server/client/api-types';

/** The shapes the page reads from `shop.status`. */
export type ServiceName = 'inventory' | 'email';

// The shapes come from the `shop.status` procedure itself (a type-only import), so the page and the
// server cannot drift apart.
export type ShopStatus = OutputOf<'shop.status'>;
export type ShopMember = ShopStatus['services']['inventory']['members'][number];
export type ShopGroup = ShopStatus['groups']['inventory'];
export type ShopGroupPartition = ShopGroup['partitions'][number];
export type ShopEmail = ShopStatus['outbox']['last'][number];

/** One lane's newest records (values base64, as records.browse sends them) and its watermarks. */
export interface LaneRecords {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  records: Array<{ offset: number; value: string | null }>;
}
