/** The shapes the page reads from `shop.status` (the contract of issue 10); extra fields are ignored. */
export type ServiceName = 'inventory' | 'email';

export interface ShopMember {
  memberId: string;
  partitions: number[];
  crashed: boolean;
  sessionExpiresAt: number | null;
  /** The coordinator's reason when the member holds no partition (as /groups shows it). */
  note: string | null;
}

export interface ShopGroupPartition {
  partition: number;
  committedOffset: number | null;
  highWatermark: number;
  lag: number;
  owner: string | null;
}

export interface ShopGroup {
  lag: number;
  partitions: ShopGroupPartition[];
}

export interface ShopEmail {
  orderId: string;
  customer: string;
  item: string;
  quantity: number;
  sentAt: number;
  partition: number;
  offset: number;
}

export interface ShopStatus {
  running: boolean;
  instance: { host: string; pid: number } | null;
  topic: string;
  generator: { ratePerSecond: number };
  stock: Array<{ item: string; quantity: number }>;
  outbox: { size: number; last: ShopEmail[] };
  services: {
    /** duplicatesSkipped: redelivered orders the inventory recognised by their stored offset and skipped. */
    inventory: { members: ShopMember[]; paused: boolean; groupId: string; duplicatesSkipped: number };
    email: { members: ShopMember[]; paused: boolean; slowMs: number; groupId: string };
  };
  groups: { inventory: ShopGroup; email: ShopGroup };
  partitions: Array<{ partition: number; logStartOffset: number; highWatermark: number }>;
}

/** One lane's newest records (values base64, as records.browse sends them) and its watermarks. */
export interface LaneRecords {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  records: Array<{ offset: number; value: string | null }>;
}
