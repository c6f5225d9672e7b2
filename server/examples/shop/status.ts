import type { Database } from '@/db/client';
import { relayed } from '@/server/api/errors';
import { type Admin, isBrookError } from '@/server/client';
import type { MemberPool } from './members';
import { type Email, readOutbox, readRunner, readStock, type StockRow } from './store';

/** What `shop.status()` answers: the whole picture the page draws, in one read. */
export interface ShopStatus {
  /** This process runs the example's services. */
  running: boolean;
  /** The process that runs it (from the database: possibly another Brook process), or null. */
  instance: { host: string; pid: number; startedAt: number } | null;
  topic: string;
  generator: { ratePerSecond: number };
  stock: StockRow[];
  outbox: { size: number; last: Email[] };
  services: { inventory: ServiceStatus & { duplicatesSkipped: number }; email: ServiceStatus & { slowMs: number } };
  groups: { inventory: GroupStatus; email: GroupStatus };
  partitions: Array<{ partition: number; logStartOffset: number; highWatermark: number }>;
}

export interface ServiceStatus {
  groupId: string;
  paused: boolean;
  members: MemberStatus[];
}

export interface MemberStatus {
  memberId: string;
  clientId: string;
  clientHost: string;
  partitions: number[];
  /** Stopped heartbeating without leaving (crashed here); the broker fences it at sessionExpiresAt. */
  crashed: boolean;
  /** When the broker fences it unless it heartbeats again (ms since the epoch). */
  sessionExpiresAt: number | null;
  /** The coordinator's reason when the member holds no partition (e.g. more members than partitions). */
  note: string | null;
}

export interface GroupStatus {
  state: string;
  lag: number;
  partitions: Array<{ partition: number; committedOffset: number | null; highWatermark: number; lag: number; owner: string | null }>;
}

export const OUTBOX_SHOWN = 10;

interface StatusInput {
  db: Database;
  /** Brook's API, as the example's services see it. */
  admin: Admin;
  topic: string;
  running: boolean;
  ratePerSecond: number;
  slowMs: number;
  duplicatesSkipped: number;
  pools: { inventory: { groupId: string; pool: MemberPool }; email: { groupId: string; pool: MemberPool } };
}

export async function readStatus(input: StatusInput): Promise<ShopStatus> {
  const { db, admin, topic } = input;
  const [runner, stock, outbox, partitions, inventory, email] = await Promise.all([
    readRunner(db, topic),
    readStock(db, topic),
    readOutbox(db, topic, OUTBOX_SHOWN),
    admin.describeTopic(topic).then(
      (t) => t.partitionDetails.map((p) => ({ partition: p.partition, logStartOffset: p.logStartOffset, highWatermark: p.highWatermark })),
      (err) => {
        if (isBrookError(err, 'UNKNOWN_TOPIC_OR_PARTITION')) return [];
        throw relayed(err);
      },
    ),
    describeOrNull(admin, input.pools.inventory.groupId),
    describeOrNull(admin, input.pools.email.groupId),
  ]);
  const service = (group: GroupDescription | null, groupId: string, pool: MemberPool): ServiceStatus => {
    const crashed = new Set(pool.crashedIds());
    const members = (group?.members ?? []).map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      partitions: m.assignment.filter((a) => a.topic === topic).flatMap((a) => a.partitions),
      crashed: crashed.has(m.memberId),
      sessionExpiresAt: group ? m.lastHeartbeat + group.sessionTimeoutMs : null,
      note: m.note,
    }));
    pool.prune(new Set(members.map((m) => m.memberId)));
    return { groupId, paused: pool.paused, members };
  };
  const groupStatus = (group: GroupDescription | null): GroupStatus => {
    const lagOf = new Map((group?.lag.partitions ?? []).filter((p) => p.topic === topic).map((p) => [p.partition, p]));
    const rows = partitions.map((p) => {
      const l = lagOf.get(p.partition);
      const committedOffset = l?.committedOffset ?? null;
      // No commit yet: the group starts from the earliest offset, so everything in the log is still ahead of it.
      const lag = p.highWatermark - (committedOffset ?? p.logStartOffset);
      return { partition: p.partition, committedOffset, highWatermark: p.highWatermark, lag, owner: l?.memberId ?? null };
    });
    return { state: group?.state ?? 'Dead', lag: rows.reduce((n, r) => n + r.lag, 0), partitions: rows };
  };
  return {
    running: input.running,
    instance: runner,
    topic,
    generator: { ratePerSecond: input.ratePerSecond },
    stock,
    outbox,
    services: {
      inventory: {
        ...service(inventory, input.pools.inventory.groupId, input.pools.inventory.pool),
        duplicatesSkipped: input.duplicatesSkipped,
      },
      email: { ...service(email, input.pools.email.groupId, input.pools.email.pool), slowMs: input.slowMs },
    },
    groups: { inventory: groupStatus(inventory), email: groupStatus(email) },
    partitions,
  };
}

type GroupDescription = Awaited<ReturnType<Admin['describeGroup']>>;

async function describeOrNull(admin: Admin, groupId: string): Promise<GroupDescription | null> {
  try {
    return await admin.describeGroup(groupId);
  } catch (err) {
    if (isBrookError(err, 'GROUP_ID_NOT_FOUND')) return null;
    throw relayed(err);
  }
}
