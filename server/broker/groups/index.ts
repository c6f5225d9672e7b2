import { type Database, holdingAtMost } from '@/db/client';
import { BRIEF_HOLD_MS } from '@/db/hold';
import { BrokerError } from '../errors';
import { must } from '../invariant';
import { type ClassicDescribedGroup, type ClassicGroupState, describeClassicGroups, listClassicGroups } from './classic-describe';
import { classicGroupHeartbeat, classicGroupJoin, classicGroupLeave, classicGroupSync } from './classic-membership';
import type {
  ClassicHeartbeatRequest,
  ClassicJoinRequest,
  ClassicJoinResponse,
  ClassicLeaveResult,
  ClassicMemberRef,
  ClassicSyncRequest,
  ClassicSyncResponse,
} from './classic-types';
import type { HeartbeatResponse } from './coordinator';
import { describeGroupState, type GroupDescription, type GroupLag, type GroupSummary, lagOfGroups, summariseGroup } from './lag';
import { type LagHistory, lagHistory } from './lag-history';
import { expireGroupSessions, groupHeartbeat, type HeartbeatInput } from './membership';
import {
  type CommitRequest,
  commitOffsets,
  deleteGroup,
  deleteOffsets,
  existingGroup,
  fetchOffsets,
  type ResetRequest,
  resetOffsets,
} from './offsets';
import { readGroups } from './store';
import { attachLagSeconds } from './time-lag';

export type { ClassicDescribedGroup, ClassicDescribedMember, ClassicGroupState } from './classic-describe';
export { classicGroupState } from './classic-describe';
export type {
  ClassicHeartbeatRequest,
  ClassicJoinRequest,
  ClassicJoinResponse,
  ClassicLeaveResult,
  ClassicMemberRef,
  ClassicSubscription,
  ClassicSyncRequest,
  ClassicSyncResponse,
} from './classic-types';
export { CONSUMER_PROTOCOL_TYPE } from './classic-types';
export type { HeartbeatResponse } from './coordinator';
export type { GroupDescription, GroupLag, GroupSummary, MemberDescription, PartitionLag } from './lag';
export type { LagHistory, LagPoint, LagProgress, PartitionRate } from './lag-history';
export type { HeartbeatInput } from './membership';
export type { CommitRequest, ResetRequest, ResetResult, ResetTarget } from './offsets';
export type { GroupStateName, TopicPartitions } from './types';

export interface GroupsOptions {
  now: () => number;
  /**
   * Since when the database has been answering without a break, on the same clock as `now`: members'
   * session and rebalance clocks restart there (resumeClocks), so an outage fences nobody.
   */
  reachableSince: () => number;
  /** How often lag is sampled (ms); the lag history's resolution. */
  lagSampleIntervalMs: number;
}

/** The consumer group coordinator's facade: every call is one Postgres transaction (or read). */
export class Groups {
  /**
   * The database as members' calls (heartbeats, joins, commits, their offsets) use it: waiting briefly when
   * it cannot be reached, then failing with a code clients retry, as a Kafka coordinator loading its groups
   * answers. A client's coordinator requests share one connection, answered in order: one call held for the
   * whole outage would hold its heartbeats too (librdkafka then ends its own session).
   */
  private readonly memberDb: Database;

  constructor(
    private readonly db: Database,
    private readonly options: GroupsOptions,
  ) {
    this.memberDb = holdingAtMost(db, BRIEF_HOLD_MS);
  }

  heartbeat(input: HeartbeatInput): Promise<HeartbeatResponse> {
    return groupHeartbeat(this.memberDb, input, this.options.now(), this.options.reachableSince());
  }

  // --- Kafka's classic group protocol (JoinGroup/SyncGroup/Heartbeat/LeaveGroup), see classic.ts ----

  classicJoin(groupId: string, req: ClassicJoinRequest): Promise<ClassicJoinResponse> {
    return classicGroupJoin(this.memberDb, groupId, req, this.options.now(), this.options.reachableSince());
  }

  classicSync(groupId: string, req: ClassicSyncRequest): Promise<ClassicSyncResponse> {
    return classicGroupSync(this.memberDb, groupId, req, this.options.now(), this.options.reachableSince());
  }

  classicHeartbeat(groupId: string, req: ClassicHeartbeatRequest): Promise<void> {
    return classicGroupHeartbeat(this.memberDb, groupId, req, this.options.now(), this.options.reachableSince());
  }

  classicLeave(groupId: string, members: readonly ClassicMemberRef[]): Promise<ClassicLeaveResult[]> {
    return classicGroupLeave(this.memberDb, groupId, members, this.options.now(), this.options.reachableSince());
  }

  /** Kafka's DescribeGroups: every member (both protocols) in classic terms; a missing group is Dead. */
  classicDescribe(groupIds: readonly string[]): Promise<ClassicDescribedGroup[]> {
    return describeClassicGroups(this.db, groupIds);
  }

  /** Kafka's ListGroups. */
  classicList(): Promise<Array<{ groupId: string; protocolType: 'consumer'; state: ClassicGroupState }>> {
    return listClassicGroups(this.db);
  }

  /** Both protocols commit here; Kafka's OffsetCommit sets `classic` (generation checks as Kafka's). */
  commit(req: CommitRequest): Promise<void> {
    return commitOffsets(this.memberDb, req, this.options.now(), this.options.reachableSince());
  }

  fetchOffsets(groupId: string, topics?: string[] | null) {
    return fetchOffsets(this.memberDb, groupId, topics);
  }

  async list(): Promise<GroupSummary[]> {
    const groups = await readGroups(this.db);
    const lag = await lagOfGroups(this.db, groups, this.options.now());
    return groups.map((g) => summariseGroup(g, lagOf(lag, g.groupId)));
  }

  /** The groups that read `topic` (subscribed or with offsets), with that topic's partitions only. */
  async forTopic(topic: string): Promise<Array<GroupSummary & { partitions: GroupLag['partitions'] }>> {
    const groups = await readGroups(this.db);
    const lag = await lagOfGroups(this.db, groups, this.options.now());
    return groups
      .map((g) => {
        const l = lagOf(lag, g.groupId);
        return { ...summariseGroup(g, l), partitions: l.partitions.filter((p) => p.topic === topic) };
      })
      .filter((g) => g.topics.includes(topic));
  }

  async describe(groupId: string): Promise<GroupDescription> {
    const g = await existingGroup(this.db, groupId);
    const lag = await lagOfGroups(this.db, [g], this.options.now());
    await attachLagSeconds(this.db, lag.values(), this.options.now());
    return describeGroupState(g, lagOf(lag, groupId));
  }

  async lag(groupId: string): Promise<GroupLag> {
    const g = await existingGroup(this.db, groupId);
    return lagOf(await lagOfGroups(this.db, [g], this.options.now()), groupId);
  }

  async lagHistory(groupId: string, since?: number | null): Promise<LagHistory> {
    const now = this.options.now();
    const from = since ?? now - 3_600_000;
    if (!Number.isSafeInteger(from) || from < 0)
      throw new BrokerError('INVALID_REQUEST', `since must be a time in ms since the epoch; got ${since}.`);
    const g = await existingGroup(this.db, groupId);
    // Rates need the partitions as they are now: their lag, owner and last commit, not only the samples.
    const current = lagOf(await lagOfGroups(this.db, [g], now), groupId).partitions;
    return lagHistory(this.db, groupId, current, {
      since: from,
      now,
      intervalMs: this.options.lagSampleIntervalMs,
      emptySince: g.emptySince,
    });
  }

  resetOffsets(req: ResetRequest) {
    return resetOffsets(this.db, req, this.options.now(), this.options.reachableSince());
  }

  deleteOffsets(req: { groupId: string; topic: string; partitions?: number[] | null }) {
    return deleteOffsets(this.db, req, this.options.now(), this.options.reachableSince());
  }

  delete(groupId: string): Promise<void> {
    return deleteGroup(this.db, groupId, this.options.now(), this.options.reachableSince());
  }

  /** Every group with its lag (time lag included): what the Prometheus endpoint exports. */
  async snapshot(): Promise<Array<{ group: GroupSummary; lag: GroupLag }>> {
    const groups = await readGroups(this.db);
    const now = this.options.now();
    const lag = await lagOfGroups(this.db, groups, now);
    await attachLagSeconds(this.db, lag.values(), now);
    return groups.map((g) => {
      const l = lagOf(lag, g.groupId);
      return { group: summariseGroup(g, l), lag: l };
    });
  }

  // --- background work (services) ----------------------------------------------------------------

  expireSessions(): Promise<number> {
    return expireGroupSessions(this.db, this.options.now(), this.options.reachableSince());
  }
}

/** The lag of one of the groups passed to lagOfGroups, which answers for each. */
function lagOf(lag: Map<string, GroupLag>, groupId: string): GroupLag {
  return must(lag.get(groupId), `lagOfGroups returns the lag of every group it is given (missing: "${groupId}")`);
}
