/**
 * Consumer group state, as the coordinator (a pure state machine, see coordinator.ts) sees it.
 * Modelled on Kafka's KIP-848 consumer protocol: the broker computes assignments; members heartbeat
 * their owned partitions and receive their target.
 */

export type { TopicPartitionKey, TopicPartitions } from '@/server/kernel/topic-partition';
export { fromTopicPartitions, parseTpKey, toTopicPartitions, tpKey } from '@/server/kernel/topic-partition';

import type { TopicPartitionKey } from '@/server/kernel/topic-partition';

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
  /** Set for a member that joined with Kafka's classic protocol (JoinGroup/SyncGroup), see classic.ts. */
  classic?: ClassicMember;
}

/** What a classic member adds (absent in members of Brook's own protocol and in states saved before it). */
export interface ClassicMember {
  /** JoinGroup's protocol (assignor) names, in the client's order. */
  protocols: string[];
  /** The name it was told at its last join; SyncGroup must name it. */
  protocolName: string;
  /** JoinGroup's session timeout: a classic member has its own, in place of the group's. */
  sessionTimeoutMs: number;
  /** Static membership (KIP-345). */
  groupInstanceId: string | null;
  /** The ConsumerProtocolSubscription version it wrote, to answer with the same assignment version. */
  subscriptionVersion: number;
  /** The last subscription's user data, base64 (DescribeGroups shows it). */
  userData: string | null;
  /** By when it owes a SyncGroup (after joining) or a JoinGroup (after being told to rejoin); else null. */
  deadline: number | null;
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
