/**
 * How often the console refetches each kind of data: one table, so a resource refreshes at one pace on
 * every page that shows it (14 call sites had 4 values). The per-resource hooks (components/<resource>/
 * queries.ts) are the only readers.
 */
export const REFETCH_MS = {
  /** A teaching picture that moves with every record (the online-store example's lanes at 50 orders/s). */
  picture: 500,
  /** One group's members, assignment and lag: they move by the second while it rebalances. */
  live: 2_000,
  /** Lists and one resource's state (topics, groups, instances, lag history). */
  state: 5_000,
  /** What changes only when the broker samples (every 10 s by default) or runs maintenance. */
  samples: 10_000,
} as const;
