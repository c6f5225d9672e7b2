import { compareTpKeys } from '@/server/kernel/topic-partition';
import { BrokerError } from '../errors';
import {
  type ClassicHeartbeatRequest,
  type ClassicJoinRequest,
  type ClassicJoinResponse,
  type ClassicLeaveResult,
  type ClassicMemberRef,
  type ClassicSyncRequest,
  type ClassicSyncResponse,
  CONSUMER_PROTOCOL_TYPE,
} from './classic-types';
import {
  type CoordinatorContext,
  clone,
  expireMembers,
  inRange,
  normaliseTopics,
  noteEmpty,
  type Outcome,
  REBALANCE_TIMEOUT_RANGE,
  reconcile,
  refreshTarget,
  SESSION_TIMEOUT_RANGE,
} from './coordinator';
import { fromTopicPartitions, type GroupMember, type GroupState, toTopicPartitions } from './types';

/**
 * Kafka's classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) hosted on Brook's KIP-848
 * coordinator, as Kafka 4's GroupMetadataManager hosts classic members in a consumer group: the broker
 * assigns; every classic member is a follower; its generation is its member epoch; SyncGroup returns what
 * the reconciliation granted it (never a partition another member still owns); a Heartbeat answers
 * REBALANCE_IN_PROGRESS when a rejoin would change its assignment. Classic and Brook's HTTP members share
 * one group, one target assignment and one set of committed offsets. Pure functions of the state and `now`;
 * classic-membership.ts runs them under the group's row lock.
 *
 * Timers are deadlines in the state (enforced by the expiry loop): the member's own session timeout, and
 * its rebalance timeout for the SyncGroup owed after a join and the JoinGroup owed after being told to
 * rejoin. Static members (group.instance.id) are supported: a restarted instance takes over its
 * predecessor's place and target without a rebalance; the predecessor's id is then fenced.
 */

const MAX_ID = 255;

/** Assignors' userData (sticky assignors keep their previous assignment there: a few KB). */
export const MAX_USER_DATA_BYTES = 64 * 1024;

/** What makes a JoinGroup invalid whatever the group's state (checked before the group is locked). */

export function validateClassicJoin(req: ClassicJoinRequest): BrokerError | null {
  if (req.protocolType !== CONSUMER_PROTOCOL_TYPE) {
    return new BrokerError(
      'INCONSISTENT_GROUP_PROTOCOL',
      `Protocol type "${req.protocolType}" is not supported: Brook's groups are consumer groups (protocol type "consumer").`,
    );
  }
  if (req.protocols.length === 0) return new BrokerError('INCONSISTENT_GROUP_PROTOCOL', 'JoinGroup names no protocol.');
  // userData is kept in the group's row, read and rewritten on every group call: a frame-sized one would
  // make each heartbeat of every member move megabytes.
  if ((req.subscription.userData?.length ?? 0) > MAX_USER_DATA_BYTES) {
    return new BrokerError('INVALID_REQUEST', `The subscription's userData is at most ${MAX_USER_DATA_BYTES} bytes.`);
  }
  if (req.memberId.length > MAX_ID || (req.groupInstanceId?.length ?? 0) > MAX_ID) {
    return new BrokerError('INVALID_REQUEST', `memberId and groupInstanceId are at most ${MAX_ID} characters.`);
  }
  if (!inRange(req.sessionTimeoutMs, SESSION_TIMEOUT_RANGE)) {
    return new BrokerError(
      'INVALID_SESSION_TIMEOUT',
      `The session timeout must be between ${SESSION_TIMEOUT_RANGE[0]} and ${SESSION_TIMEOUT_RANGE[1]} ms; got ${req.sessionTimeoutMs}.`,
    );
  }
  if (!Number.isInteger(req.rebalanceTimeoutMs) || req.rebalanceTimeoutMs <= 0) {
    return new BrokerError('INVALID_REQUEST', `The rebalance timeout must be a positive number of ms; got ${req.rebalanceTimeoutMs}.`);
  }
  return null;
}

/**
 * Kafka bounds no rebalance timeout (it is the client's max.poll.interval.ms, which some set to days);
 * Brook's deadlines keep to the coordinator's range, so a longer one waits an hour at most.
 */
const rebalanceTimeout = (ms: number) => Math.min(Math.max(ms, REBALANCE_TIMEOUT_RANGE[0]), REBALANCE_TIMEOUT_RANGE[1]);

/** JoinGroup v4+ from a dynamic member without an id: Kafka answers MEMBER_ID_REQUIRED and a fresh id, remembering nothing. */
export const needsMemberId = (req: ClassicJoinRequest): boolean => !req.memberId && !req.groupInstanceId && req.requireKnownMemberId;

const fail = <T>(state: GroupState, error: BrokerError): Outcome<T> => ({ state, error });

/** The state at `now` (expired members fenced), as a copy the caller may change. */
function live(state: GroupState, now: number): GroupState {
  const s = expireMembers(state, now).state;
  return s === state ? clone(state) : s;
}

export function classicJoin(state: GroupState, req: ClassicJoinRequest, ctx: CoordinatorContext): Outcome<ClassicJoinResponse> {
  const s = live(state, ctx.now);
  const instanceId = req.groupInstanceId || null;
  const holder = instanceId ? s.members.find((m) => m.classic?.groupInstanceId === instanceId) : undefined;
  let memberId = req.memberId;
  const replaces = holder && holder.memberId !== memberId ? holder : undefined;
  if (replaces && memberId) {
    return fail(
      s,
      new BrokerError('FENCED_INSTANCE_ID', `Instance "${instanceId}" is now member "${replaces.memberId}", not "${memberId}".`),
    );
  }
  // Checked before anything changes: a refused join leaves the group as it was.
  const protocolName = commonProtocol(s, replaces?.memberId ?? memberId, req.protocols);
  if (protocolName === null) {
    return fail(
      s,
      new BrokerError(
        'INCONSISTENT_GROUP_PROTOCOL',
        `None of the protocols ${req.protocols.join(', ')} is supported by every classic member of group "${s.groupId}".`,
      ),
    );
  }
  if (replaces) {
    // A restarted static member takes its predecessor's place and target, without a rebalance.
    memberId = ctx.newMemberId();
    renameMember(s, replaces, memberId);
  }
  // MEMBER_ID_REQUIRED was answered before the lock (needsMemberId); an id-less join here is v0-v3's.
  memberId ||= ctx.newMemberId();

  // An empty subscription is legal (a pattern that matches nothing yet): the member gets no partition.
  const topics = normaliseTopics(req.subscription.topics) ?? [];
  const rebalanceTimeoutMs = rebalanceTimeout(req.rebalanceTimeoutMs);
  const classic = {
    protocols: [...req.protocols],
    protocolName,
    sessionTimeoutMs: req.sessionTimeoutMs,
    groupInstanceId: instanceId,
    subscriptionVersion: req.subscription.version,
    userData: req.subscription.userData ? Buffer.from(req.subscription.userData).toString('base64') : null,
    // A SyncGroup is owed within the rebalance timeout.
    deadline: ctx.now + rebalanceTimeoutMs,
  };
  let member = s.members.find((m) => m.memberId === memberId);
  if (member && !member.classic) {
    return fail(s, new BrokerError('UNKNOWN_MEMBER_ID', `Member "${memberId}" uses Brook's own group protocol, not JoinGroup.`));
  }
  if (!member) {
    // Kafka accepts any new id here (the one MEMBER_ID_REQUIRED handed out, or one the client made up).
    member = {
      memberId,
      memberEpoch: 0,
      previousMemberEpoch: 0,
      clientId: req.clientId,
      clientHost: req.clientHost,
      subscribedTopics: topics,
      rebalanceTimeoutMs,
      assigned: [],
      owned: [],
      revokingSince: null,
      lastHeartbeat: ctx.now,
      joinedAt: ctx.now,
      classic,
    };
    s.members.push(member);
    s.groupEpoch++;
    noteEmpty(s, ctx.now);
  } else {
    member.lastHeartbeat = ctx.now;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.classic = classic;
    if (topics.join('\n') !== member.subscribedTopics.join('\n')) {
      member.subscribedTopics = topics;
      s.groupEpoch++;
    }
  }
  // What it still owns: eager clients revoked all before rejoining; cooperative ones list what they kept.
  const mine = new Set([...member.owned, ...member.assigned]);
  member.owned = fromTopicPartitions(req.subscription.ownedPartitions ?? []).filter((k) => mine.has(k));
  member.assigned = member.assigned.filter((k) => member.owned.includes(k));

  refreshTarget(s, ctx);
  reconcile(s, member, ctx.now);
  return {
    state: s,
    result: { memberId, generationId: member.memberEpoch, protocolName, leader: '', memberIdRequired: false },
  };
}

/** The first of the member's protocols that every other classic member also named; null if none. */
function commonProtocol(s: GroupState, memberId: string, protocols: readonly string[]): string | null {
  const others = s.members.filter((m) => m.classic && m.memberId !== memberId);
  return protocols.find((p) => others.every((o) => o.classic?.protocols.includes(p))) ?? null;
}

function renameMember(s: GroupState, m: GroupMember, to: string): void {
  const target = s.targetAssignment[m.memberId];
  delete s.targetAssignment[m.memberId];
  if (target) s.targetAssignment[to] = target;
  m.memberId = to;
}

/** The classic member a request names, or why it cannot act (Kafka's validateConsumerGroupMember). */
function findClassicMember(s: GroupState, ref: ClassicMemberRef): GroupMember | BrokerError {
  const instanceId = ref.groupInstanceId || null;
  const m = instanceId
    ? s.members.find((x) => x.classic?.groupInstanceId === instanceId)
    : s.members.find((x) => x.memberId === ref.memberId);
  if (!m) {
    return new BrokerError(
      'UNKNOWN_MEMBER_ID',
      `${instanceId ? `Instance "${instanceId}"` : `Member "${ref.memberId}"`} is not in group "${s.groupId}" (it left or was fenced); rejoin.`,
    );
  }
  if (instanceId && ref.memberId && m.memberId !== ref.memberId) {
    return new BrokerError('FENCED_INSTANCE_ID', `Instance "${instanceId}" is now member "${m.memberId}", not "${ref.memberId}".`);
  }
  if (!m.classic) return new BrokerError('UNKNOWN_MEMBER_ID', `Member "${m.memberId}" does not use the classic group protocol.`);
  return m;
}

function checkGeneration(m: GroupMember, generationId: number): BrokerError | null {
  if (generationId === m.memberEpoch) return null;
  return new BrokerError(
    'ILLEGAL_GENERATION',
    `Generation ${generationId} is not member "${m.memberId}"'s current ${m.memberEpoch}; rejoin.`,
  );
}

/** Whether the member owns partitions its target no longer holds (Kafka's UNREVOKED_PARTITIONS). */
function mustRevoke(s: GroupState, m: GroupMember): boolean {
  const target = new Set(s.targetAssignment[m.memberId] ?? []);
  return m.owned.some((k) => !target.has(k));
}

/** Whether the member must rejoin to catch up: Kafka's three conditions (classicGroupHeartbeatToConsumerGroup). */
export function shouldRejoin(s: GroupState, m: GroupMember): boolean {
  if (m.memberEpoch < s.groupEpoch || mustRevoke(s, m)) return true;
  const assigned = new Set(m.assigned);
  const missing = (s.targetAssignment[m.memberId] ?? []).filter((k) => !assigned.has(k));
  if (missing.length === 0) return false;
  // Partitions still held by others: rejoining now would not get them; wait until all are released.
  const held = new Set(s.members.filter((o) => o !== m).flatMap((o) => [...o.owned, ...o.assigned]));
  return missing.every((k) => !held.has(k));
}

/** Tells the member to rejoin: the rebalance timeout starts now unless an earlier deadline runs. */
function askToRejoin(m: GroupMember, now: number): BrokerError {
  if (m.classic) m.classic.deadline ??= now + m.rebalanceTimeoutMs;
  return new BrokerError('REBALANCE_IN_PROGRESS', `The group is rebalancing; member "${m.memberId}" must rejoin.`);
}

export function classicSync(state: GroupState, req: ClassicSyncRequest, ctx: CoordinatorContext): Outcome<ClassicSyncResponse> {
  const s = live(state, ctx.now);
  const m = findClassicMember(s, req);
  if (m instanceof BrokerError) return fail(s, m);
  const classic = m.classic as NonNullable<GroupMember['classic']>;
  const bad = checkGeneration(m, req.generationId);
  if (bad) return fail(s, bad);
  if (req.protocolType != null && req.protocolType !== CONSUMER_PROTOCOL_TYPE) {
    return fail(s, new BrokerError('INCONSISTENT_GROUP_PROTOCOL', `Protocol type "${req.protocolType}" is not "consumer".`));
  }
  if (req.protocolName != null && req.protocolName !== classic.protocolName) {
    return fail(
      s,
      new BrokerError('INCONSISTENT_GROUP_PROTOCOL', `Protocol "${req.protocolName}" is not "${classic.protocolName}", named at the join.`),
    );
  }
  refreshTarget(s, ctx);
  // A newer rebalance started since the join: catch up first (unless still revoking: that rejoin comes anyway).
  if (s.groupEpoch > m.memberEpoch && !mustRevoke(s, m)) return fail(s, askToRejoin(m, ctx.now));
  m.lastHeartbeat = ctx.now;
  classic.deadline = null;
  return {
    state: s,
    result: {
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocolName: classic.protocolName,
      assignment: toTopicPartitions([...m.assigned].sort(compareTpKeys)),
      assignmentVersion: Math.min(Math.max(classic.subscriptionVersion, 0), 3),
    },
  };
}

export function classicHeartbeat(state: GroupState, req: ClassicHeartbeatRequest, ctx: CoordinatorContext): Outcome<true> {
  const s = live(state, ctx.now);
  const m = findClassicMember(s, req);
  if (m instanceof BrokerError) return fail(s, m);
  const bad = checkGeneration(m, req.generationId);
  if (bad) return fail(s, bad);
  m.lastHeartbeat = ctx.now;
  refreshTarget(s, ctx);
  if (shouldRejoin(s, m)) return fail(s, askToRejoin(m, ctx.now));
  return { state: s, result: true };
}

/** LeaveGroup (v3+ names several members, by id or instance id): each leaves at once, freeing its partitions. */
export function classicLeave(
  state: GroupState,
  members: readonly ClassicMemberRef[],
  ctx: CoordinatorContext,
): { state: GroupState; results: ClassicLeaveResult[] } {
  const s = live(state, ctx.now);
  const results: ClassicLeaveResult[] = [];
  let left = 0;
  for (const ref of members) {
    const m = findClassicMember(s, ref);
    if (m instanceof BrokerError) {
      results.push({ memberId: ref.memberId, groupInstanceId: ref.groupInstanceId ?? null, error: m });
      continue;
    }
    s.members = s.members.filter((x) => x !== m);
    left++;
    results.push({ memberId: m.memberId, groupInstanceId: ref.groupInstanceId ?? null, error: null });
  }
  if (left > 0) {
    s.groupEpoch++;
    noteEmpty(s, ctx.now);
    refreshTarget(s, ctx);
  }
  return { state: s, results };
}

/**
 * OffsetCommit from the classic API (Kafka's ConsumerGroup.validateOffsetCommit): generation -1 commits
 * only while the group has no members (a consumer using assign(), or an admin tool); otherwise the member
 * must exist, and a classic one must be at exactly its generation and own what it commits.
 */
export function checkClassicCommit(
  state: GroupState,
  commit: { memberId: string; groupInstanceId?: string | null; generationId: number; partitions: readonly string[] },
  now: number,
): Outcome<true> {
  const s = expireMembers(state, now).state;
  if (commit.generationId < 0 && s.members.length === 0) return { state: s, result: true };
  const m = s.members.find((x) => x.memberId === commit.memberId);
  if (!m) {
    return fail(
      s,
      new BrokerError('UNKNOWN_MEMBER_ID', `Member "${commit.memberId}" is not in group "${s.groupId}" (it left or was fenced).`),
    );
  }
  if (commit.groupInstanceId && m.classic?.groupInstanceId !== commit.groupInstanceId) {
    return fail(s, new BrokerError('FENCED_INSTANCE_ID', `Member "${m.memberId}" is not instance "${commit.groupInstanceId}".`));
  }
  if (commit.generationId !== m.memberEpoch) {
    const name = m.classic ? 'ILLEGAL_GENERATION' : 'STALE_MEMBER_EPOCH';
    return fail(s, new BrokerError(name, `Generation ${commit.generationId} is not member "${m.memberId}"'s current ${m.memberEpoch}.`));
  }
  const mine = new Set([...m.owned, ...m.assigned]);
  const foreign = commit.partitions.find((k) => !mine.has(k));
  if (foreign !== undefined) {
    return fail(s, new BrokerError('ILLEGAL_GENERATION', `Member "${m.memberId}" does not own ${foreign} in this generation; rejoin.`));
  }
  return { state: s, result: true };
}
