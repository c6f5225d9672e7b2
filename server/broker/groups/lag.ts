import type { Queryable } from '@/db/client';
import { type RowOf, selectList } from '@/db/rows';
import { groupOffsetCommits, groupOffsets, topicPartitions } from '@/db/schema';
import { compareTopicPartitions } from '@/server/kernel/topic-partition';
import { type CommitSample, type GroupStatus, groupStatus, type PartitionStatus, partitionStatus } from './burrow';
import { groupStateName, memberReconciled } from './coordinator';
import { type GroupState, type GroupStateName, parseTpKey, type TopicPartitions, toTopicPartitions, tpKey } from './types';

/**
 * Lag now, from committed offsets and watermark rows (never a scan of the log):
 * lag = highWatermark - committedOffset, per partition; sum and max per group; Burrow-style status.
 */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** null where the group has not committed for this partition. */
  committedOffset: number | null;
  logStartOffset: number;
  /** The high watermark (Kafka tools call it log-end-offset). */
  logEndOffset: number;
  lag: number | null;
  lastCommitAt: number | null;
  /** The member that owns the partition now, if any. */
  memberId: string | null;
  status: PartitionStatus;
  /** Time lag in seconds (see lag-seconds.ts, time-lag.ts); only filled by describe and metrics. */
  lagSeconds?: number | null;
}

export interface GroupLag {
  partitions: PartitionLag[];
  totalLag: number;
  maxLag: number;
  maxLagTopic: string | null;
  maxLagPartition: number | null;
  status: GroupStatus;
}

const OFFSET_COLUMNS = ['groupId', 'topic', 'partition', 'committedOffset', 'committedAt'] as const;
type OffsetRow = Pick<RowOf<typeof groupOffsets>, (typeof OFFSET_COLUMNS)[number]>;

const MARK_COLUMNS = ['partition', 'logStartOffset', 'highWatermark'] as const;
type MarkRow = Pick<RowOf<typeof topicPartitions>, (typeof MARK_COLUMNS)[number]> & { topic: string };

const COMMIT_COLUMNS = ['groupId', 'topic', 'partition', 'committedOffset', 'highWatermark', 'committedAt'] as const;
type CommitRow = Pick<RowOf<typeof groupOffsetCommits>, (typeof COMMIT_COLUMNS)[number]>;

/** Lag for several groups at once: three queries whatever the number of groups. */
export async function lagOfGroups(db: Queryable, groups: readonly GroupState[], now: number): Promise<Map<string, GroupLag>> {
  const ids = groups.map((g) => g.groupId);
  const [offsets, commits] = await Promise.all([
    db.query<OffsetRow>(`SELECT ${selectList(groupOffsets, OFFSET_COLUMNS)} FROM group_offsets WHERE group_id = ANY($1::text[])`, [ids]),
    db.query<CommitRow>(
      `SELECT ${selectList(groupOffsetCommits, COMMIT_COLUMNS)}
         FROM group_offset_commits WHERE group_id = ANY($1::text[]) ORDER BY id`,
      [ids],
    ),
  ]);
  const topics = new Set([...offsets.map((o) => o.topic), ...groups.flatMap((g) => g.members.flatMap((m) => m.subscribedTopics))]);
  const marks = await db.query<MarkRow>(
    `SELECT t.name AS topic, ${selectList(topicPartitions, MARK_COLUMNS, 'tp')}
       FROM topics t JOIN topic_partitions tp ON tp.topic_id = t.id WHERE t.name = ANY($1::text[])`,
    [[...topics]],
  );
  const markOf = new Map(marks.map((m) => [tpKey(m.topic, m.partition), m]));
  const history = new Map<string, CommitSample[]>();
  for (const c of commits) {
    const key = `${c.groupId}\n${tpKey(c.topic, c.partition)}`;
    const list = history.get(key) ?? [];
    list.push({ offset: c.committedOffset, highWatermark: c.highWatermark, at: c.committedAt });
    history.set(key, list);
  }

  const result = new Map<string, GroupLag>();
  for (const g of groups) {
    const owner = new Map<string, string>();
    for (const m of g.members) for (const k of m.owned) owner.set(k, m.memberId);
    const keys = new Set<string>(owner.keys());
    const committed = new Map<string, OffsetRow>();
    for (const o of offsets) {
      if (o.groupId !== g.groupId) continue;
      const k = tpKey(o.topic, o.partition);
      committed.set(k, o);
      keys.add(k);
    }
    const partitions: PartitionLag[] = [];
    for (const k of keys) {
      const mark = markOf.get(k);
      if (!mark) continue; // the topic is gone
      const c = committed.get(k);
      const lag = c ? Math.max(0, mark.highWatermark - c.committedOffset) : null;
      const { topic, partition } = parseTpKey(k);
      partitions.push({
        topic,
        partition,
        committedOffset: c?.committedOffset ?? null,
        logStartOffset: mark.logStartOffset,
        logEndOffset: mark.highWatermark,
        lag,
        lastCommitAt: c?.committedAt ?? null,
        memberId: owner.get(k) ?? null,
        status: lag === null ? 'OK' : partitionStatus(history.get(`${g.groupId}\n${k}`) ?? [], lag, now),
      });
    }
    partitions.sort(compareTopicPartitions);
    result.set(g.groupId, summarise(partitions));
  }
  return result;
}

function summarise(partitions: PartitionLag[]): GroupLag {
  let totalLag = 0;
  let max: PartitionLag | null = null;
  let maxLag = 0;
  for (const p of partitions) {
    if (p.lag === null) continue;
    totalLag += p.lag;
    if (!max || p.lag > maxLag) {
      max = p;
      maxLag = p.lag;
    }
  }
  return {
    partitions,
    totalLag,
    maxLag,
    maxLagTopic: max?.topic ?? null,
    maxLagPartition: max?.partition ?? null,
    status: groupStatus(partitions.map((p) => p.status)),
  };
}

export interface MemberDescription {
  memberId: string;
  clientId: string;
  clientHost: string;
  memberEpoch: number;
  subscribedTopics: string[];
  /** What the member owns now. */
  assignment: TopicPartitions[];
  /** Revoked from it but not yet released. */
  pendingRevocation: TopicPartitions[];
  /** What the assignor wants it to have. */
  targetAssignment: TopicPartitions[];
  reconciled: boolean;
  lastHeartbeat: number;
  joinedAt: number;
  /** Why a member holds no partition, when that is the case. */
  note: string | null;
}

export interface GroupSummary {
  groupId: string;
  state: GroupStateName;
  protocol: 'consumer';
  assignor: string;
  groupEpoch: number;
  members: number;
  topics: string[];
  totalLag: number;
  maxLag: number;
  /** Total lag per topic the group reads. */
  lagByTopic: Record<string, number>;
  status: GroupStatus;
}

export interface GroupDescription extends Omit<GroupSummary, 'members'> {
  assignmentEpoch: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  members: MemberDescription[];
  lag: GroupLag;
}

export function topicsOf(g: GroupState, lag: GroupLag): string[] {
  return [...new Set([...g.members.flatMap((m) => m.subscribedTopics), ...lag.partitions.map((p) => p.topic)])].sort();
}

export function summariseGroup(g: GroupState, lag: GroupLag): GroupSummary {
  return {
    groupId: g.groupId,
    state: groupStateName(g),
    protocol: 'consumer',
    assignor: g.assignor,
    groupEpoch: g.groupEpoch,
    members: g.members.length,
    topics: topicsOf(g, lag),
    totalLag: lag.totalLag,
    maxLag: lag.maxLag,
    lagByTopic: lag.partitions.reduce<Record<string, number>>((acc, p) => {
      acc[p.topic] = (acc[p.topic] ?? 0) + (p.lag ?? 0);
      return acc;
    }, {}),
    status: lag.status,
  };
}

export function describeGroupState(g: GroupState, lag: GroupLag): GroupDescription {
  const totalPartitions = Object.values(g.subscriptionMetadata).reduce((n, c) => n + c, 0);
  return {
    ...summariseGroup(g, lag),
    assignmentEpoch: g.assignmentEpoch,
    sessionTimeoutMs: g.sessionTimeoutMs,
    heartbeatIntervalMs: g.heartbeatIntervalMs,
    lag,
    members: g.members.map((m) => {
      const target = g.targetAssignment[m.memberId] ?? [];
      const assigned = new Set(m.assigned);
      return {
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberEpoch: m.memberEpoch,
        subscribedTopics: m.subscribedTopics,
        assignment: toTopicPartitions(m.assigned),
        pendingRevocation: toTopicPartitions(m.owned.filter((k) => !assigned.has(k))),
        targetAssignment: toTopicPartitions(target),
        reconciled: memberReconciled(g, m),
        lastHeartbeat: m.lastHeartbeat,
        joinedAt: m.joinedAt,
        note:
          m.owned.length > 0 || target.length > 0
            ? null
            : totalPartitions < g.members.length
              ? `No partition: the group has ${g.members.length} members for ${totalPartitions} partition(s); this member is on standby.`
              : 'No partition assigned yet.',
      };
    }),
  };
}
