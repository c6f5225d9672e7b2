/**
 * Consumer group state, as the coordinator (a pure state machine, see coordinator.ts) sees it.
 * Modelled on Kafka's KIP-848 consumer protocol: the broker computes assignments; members heartbeat
 * their owned partitions and receive their target.
 */

/** "topic:partition": topic names cannot contain ":" (Kafka's legal characters are [a-zA-Z0-9._-]). */
export type TopicPartitionKey = string;

export const tpKey = (topic: string, partition: number): TopicPartitionKey => `${topic}:${partition}`;

export function parseTpKey(key: TopicPartitionKey): { topic: string; partition: number } {
  const i = key.lastIndexOf(':');
  return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) };
}

/** The wire shape: `[{ topic, partitions: number[] }]`, topics and partitions sorted. */
export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export function toTopicPartitions(keys: Iterable<TopicPartitionKey>): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const k of keys) {
    const { topic, partition } = parseTpKey(k);
    const list = byTopic.get(topic);
    if (list) list.push(partition);
    else byTopic.set(topic, [partition]);
  }
  return [...byTopic.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
}

export function fromTopicPartitions(list: readonly TopicPartitions[]): TopicPartitionKey[] {
  return list.flatMap((t) => t.partitions.map((p) => tpKey(t.topic, p)));
}

export type Assignor = 'uniform' | 'range';
export const ASSIGNORS: readonly Assignor[] = ['uniform', 'range'];

export interface GroupMember {
  memberId: string;
  /** The epoch this member has reconciled to; its heartbeats and commits must carry it. */
  memberEpoch: number;
  /** Accepted too, in case the response that moved the member on was lost. */
  previousMemberEpoch: number;
  clientId: string;
  clientHost: string;
  subscribedTopics: string[];
  rebalanceTimeoutMs: number;
  /** What the coordinator last told the member it may own. */
  assigned: TopicPartitionKey[];
  /** What the coordinator believes the member still owns: assigned, plus revoked-but-unacknowledged. */
  owned: TopicPartitionKey[];
  /** When the member was first asked to give up partitions it still owns (for the rebalance timeout). */
  revokingSince: number | null;
  lastHeartbeat: number;
  joinedAt: number;
}

export interface GroupState {
  groupId: string;
  groupEpoch: number;
  /** The group epoch the target assignment was computed for. */
  assignmentEpoch: number;
  assignor: Assignor;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Partition counts of subscribed topics when the target was computed; a change triggers a new one. */
  subscriptionMetadata: Record<string, number>;
  targetAssignment: Record<string, TopicPartitionKey[]>;
  members: GroupMember[];
  createdAt: number;
  /**
   * Since when the group has had no members (null while it has some; absent in states saved before it
   * existed). A commit after it comes from a standalone consumer; none means nobody consumes.
   */
  emptySince?: number | null;
}

export type GroupStateName = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead';

export const GROUP_DEFAULTS = {
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 5_000,
  rebalanceTimeoutMs: 300_000,
  assignor: 'uniform' as Assignor,
};

export function newGroup(groupId: string, now: number): GroupState {
  return {
    groupId,
    groupEpoch: 0,
    assignmentEpoch: 0,
    assignor: GROUP_DEFAULTS.assignor,
    sessionTimeoutMs: GROUP_DEFAULTS.sessionTimeoutMs,
    heartbeatIntervalMs: GROUP_DEFAULTS.heartbeatIntervalMs,
    subscriptionMetadata: {},
    targetAssignment: {},
    members: [],
    createdAt: now,
    emptySince: now,
  };
}
