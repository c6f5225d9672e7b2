import { compareTpKeys } from '@/server/kernel/topic-partition';
import { BrokerError } from '../errors';
import { must } from '../invariant';
import { assign } from './assignors';
import {
  ASSIGNORS,
  type Assignor,
  fromTopicPartitions,
  type GroupMember,
  type GroupState,
  type GroupStateName,
  type TopicPartitionKey,
  type TopicPartitions,
  toTopicPartitions,
} from './types';

/**
 * The group coordinator as a pure state machine (Kafka's KIP-848 consumer protocol, server-side
 * assignment). Every function takes the state and `now`, and returns a new state: the store runs them
 * under the group's row lock, so any Brook process can act for any group.
 *
 * The invariant: a partition is handed to a member only if no other member owns it or is assigned it.
 * A member keeps owning a partition taken away from it until it says it let go (its `ownedPartitions`
 * in a heartbeat) or it is fenced; only then can another member get it.
 */

export interface HeartbeatRequest {
  memberId?: string | null;
  /** 0 joins, -1 leaves, otherwise the member's current epoch. */
  memberEpoch: number;
  clientId?: string | null;
  clientHost?: string | null;
  /** The subscription: required to join; omitted (or null) when unchanged. */
  topics?: string[] | null;
  rebalanceTimeoutMs?: number | null;
  /** What the member owns now; omitted means "what you last assigned me" (revocations acknowledged). */
  ownedPartitions?: TopicPartitions[] | null;
  /** Group settings, applied when the first member joins an empty group. */
  sessionTimeoutMs?: number | null;
  assignor?: Assignor | null;
}

export interface HeartbeatResponse {
  memberId: string;
  memberEpoch: number;
  assignment: TopicPartitions[];
  heartbeatIntervalMs: number;
}

export interface CoordinatorContext {
  now: number;
  /** Partition counts of existing topics (at least the subscribed ones). */
  partitionCounts: Readonly<Record<string, number>>;
  newMemberId: () => string;
}

export type Outcome<T> =
  | { state: GroupState; result: T; error?: undefined }
  | { state: GroupState; error: BrokerError; result?: undefined };

export const clone = (s: GroupState): GroupState => structuredClone(s);

export const SESSION_TIMEOUT_RANGE = [1_000, 3_600_000] as const;
export const REBALANCE_TIMEOUT_RANGE = [1_000, 3_600_000] as const;
const MAX_MEMBER_ID = 255;

/** Fences members whose session (no heartbeat) or rebalance (no revocation) timeout has passed. */
export function expireMembers(state: GroupState, now: number): { state: GroupState; fenced: string[] } {
  const fenced = state.members.filter((m) => now > memberDeadline(state, m)).map((m) => m.memberId);
  if (fenced.length === 0) return { state, fenced };
  const s = clone(state);
  s.members = s.members.filter((m) => !fenced.includes(m.memberId));
  s.groupEpoch++;
  noteEmpty(s, now);
  return { state: s, fenced };
}

/**
 * When the member runs out of time: its session (a classic member's own, from JoinGroup, else the
 * group's), its rebalance timeout while it holds revoked partitions, or the SyncGroup/JoinGroup a classic
 * member owes (see classic.ts).
 */
export function memberDeadline(state: GroupState, m: GroupMember): number {
  const session = m.lastHeartbeat + sessionTimeoutOf(state, m);
  const rebalance = m.revokingSince === null ? Infinity : m.revokingSince + m.rebalanceTimeoutMs;
  return Math.min(session, rebalance, m.classic?.deadline ?? Infinity);
}

/**
 * Members cannot reach the coordinator while its database is away, so their clocks start again when the
 * database answers again (`since`), as Kafka restarts every member's session timer when a coordinator loads
 * a group: a session, a rebalance timeout or a classic deadline still running from before `since` is moved
 * up to it. The same state when nothing ran from before.
 */
export function resumeClocks(state: GroupState, since: number): GroupState {
  const stale = (m: GroupMember) =>
    m.lastHeartbeat < since ||
    (m.revokingSince !== null && m.revokingSince < since) ||
    (m.classic?.deadline != null && m.classic.deadline < since + sessionTimeoutOf(state, m));
  if (!state.members.some(stale)) return state;
  const s = clone(state);
  for (const m of s.members) {
    m.lastHeartbeat = Math.max(m.lastHeartbeat, since);
    if (m.revokingSince !== null) m.revokingSince = Math.max(m.revokingSince, since);
    if (m.classic?.deadline != null) m.classic.deadline = Math.max(m.classic.deadline, since + sessionTimeoutOf(state, m));
  }
  return s;
}

const sessionTimeoutOf = (state: GroupState, m: GroupMember) => m.classic?.sessionTimeoutMs ?? state.sessionTimeoutMs;

/** Keeps `emptySince`: set when the last member goes, cleared when one joins. */
export function noteEmpty(s: GroupState, now: number): void {
  if (s.members.length > 0) s.emptySince = null;
  else s.emptySince ??= now;
}

/** Fences expired members and recomputes the target for the rest (the expiry loop's step). */
export function fenceExpired(state: GroupState, ctx: CoordinatorContext): { state: GroupState; fenced: string[] } {
  const out = expireMembers(state, ctx.now);
  if (out.fenced.length > 0) refreshTarget(out.state, ctx);
  return out;
}

export function heartbeat(state: GroupState, req: HeartbeatRequest, ctx: CoordinatorContext): Outcome<HeartbeatResponse> {
  let s = expireMembers(state, ctx.now).state;
  s = s === state ? clone(state) : s;

  if (req.memberEpoch === -1) return leave(s, req, ctx);

  let member: GroupMember;
  if (req.memberEpoch === 0) {
    const joined = join(s, req, ctx);
    if ('error' in joined) return { state: s, error: joined.error };
    member = joined.member;
  } else {
    const found = s.members.find((m) => m.memberId === req.memberId);
    // A classic (JoinGroup) member speaks its own protocol: this one cannot act for it.
    if (!found || found.classic) {
      return {
        state: s,
        error: new BrokerError(
          'UNKNOWN_MEMBER_ID',
          `Member "${req.memberId ?? ''}" is not in group "${s.groupId}" (it left or was fenced); rejoin with memberEpoch 0.`,
        ),
      };
    }
    if (req.memberEpoch !== found.memberEpoch && req.memberEpoch !== found.previousMemberEpoch) {
      // A zombie: drop it, so its partitions go to live members.
      s.members = s.members.filter((m) => m !== found);
      s.groupEpoch++;
      noteEmpty(s, ctx.now);
      refreshTarget(s, ctx);
      return {
        state: s,
        error: new BrokerError(
          'FENCED_MEMBER_EPOCH',
          `Member epoch ${req.memberEpoch} is fenced (current ${found.memberEpoch}); rejoin with memberEpoch 0.`,
        ),
      };
    }
    member = found;
    const changed = updateMember(member, req, ctx.now);
    if ('error' in changed) return { state: s, error: changed.error };
    if (changed.subscriptionChanged) s.groupEpoch++;
  }

  refreshTarget(s, ctx);
  reconcile(s, member, ctx.now);
  return {
    state: s,
    result: {
      memberId: member.memberId,
      memberEpoch: member.memberEpoch,
      assignment: toTopicPartitions(member.assigned),
      heartbeatIntervalMs: s.heartbeatIntervalMs,
    },
  };
}

function leave(s: GroupState, req: HeartbeatRequest, ctx: CoordinatorContext): Outcome<HeartbeatResponse> {
  const found = s.members.find((m) => m.memberId === req.memberId && !m.classic);
  if (!found) {
    return { state: s, error: new BrokerError('UNKNOWN_MEMBER_ID', `Member "${req.memberId ?? ''}" is not in group "${s.groupId}".`) };
  }
  s.members = s.members.filter((m) => m !== found);
  s.groupEpoch++;
  noteEmpty(s, ctx.now);
  refreshTarget(s, ctx);
  return { state: s, result: { memberId: found.memberId, memberEpoch: -1, assignment: [], heartbeatIntervalMs: s.heartbeatIntervalMs } };
}

/** What makes a join request invalid whatever the group's state (checked before anything is written). */
export function validateJoin(req: HeartbeatRequest): BrokerError | null {
  const topics = normaliseTopics(req.topics);
  if (!topics || topics.length === 0) return new BrokerError('INVALID_REQUEST', 'Joining a group needs the topics to subscribe to.');
  if ((req.memberId?.trim().length ?? 0) > MAX_MEMBER_ID)
    return new BrokerError('INVALID_REQUEST', `memberId is longer than ${MAX_MEMBER_ID} characters.`);
  if (req.rebalanceTimeoutMs != null && !inRange(req.rebalanceTimeoutMs, REBALANCE_TIMEOUT_RANGE)) {
    return new BrokerError(
      'INVALID_REQUEST',
      `rebalanceTimeoutMs must be between ${REBALANCE_TIMEOUT_RANGE[0]} and ${REBALANCE_TIMEOUT_RANGE[1]}.`,
    );
  }
  if (req.sessionTimeoutMs != null && !inRange(req.sessionTimeoutMs, SESSION_TIMEOUT_RANGE)) {
    return new BrokerError(
      'INVALID_SESSION_TIMEOUT',
      `sessionTimeoutMs must be between ${SESSION_TIMEOUT_RANGE[0]} and ${SESSION_TIMEOUT_RANGE[1]}.`,
    );
  }
  if (req.assignor != null && !ASSIGNORS.includes(req.assignor)) {
    return new BrokerError('UNSUPPORTED_ASSIGNOR', `Assignor "${req.assignor}" is not one of ${ASSIGNORS.join(', ')}.`);
  }
  return null;
}

function join(s: GroupState, req: HeartbeatRequest, ctx: CoordinatorContext): { member: GroupMember } | { error: BrokerError } {
  const invalid = validateJoin(req);
  if (invalid) return { error: invalid };
  const topics = must(normaliseTopics(req.topics), 'validateJoin refuses a join without topics');
  const memberId = req.memberId?.trim() || ctx.newMemberId();
  if (s.members.length === 0 || !s.members.some((m) => m.memberId !== memberId)) applyGroupSettings(s, req);
  const rebalanceTimeoutMs = req.rebalanceTimeoutMs ?? 300_000;
  // Rejoining with epoch 0 means the member lost its state: whatever it held is released.
  s.members = s.members.filter((m) => m.memberId !== memberId);
  const member: GroupMember = {
    memberId,
    memberEpoch: 0,
    previousMemberEpoch: 0,
    clientId: req.clientId ?? '',
    clientHost: req.clientHost ?? '',
    subscribedTopics: topics,
    rebalanceTimeoutMs,
    assigned: [],
    owned: [],
    revokingSince: null,
    lastHeartbeat: ctx.now,
    joinedAt: ctx.now,
  };
  s.members.push(member);
  s.groupEpoch++;
  noteEmpty(s, ctx.now);
  return { member };
}

/** Group settings come with the first member of an empty group (validated by validateJoin). */
function applyGroupSettings(s: GroupState, req: HeartbeatRequest): void {
  if (req.sessionTimeoutMs != null) {
    s.sessionTimeoutMs = req.sessionTimeoutMs;
    // Kafka's rule of thumb: heartbeat at most a third of the session timeout.
    s.heartbeatIntervalMs = Math.min(5_000, Math.max(100, Math.floor(req.sessionTimeoutMs / 3)));
  }
  if (req.assignor != null) s.assignor = req.assignor;
}

function updateMember(m: GroupMember, req: HeartbeatRequest, now: number): { subscriptionChanged: boolean } | { error: BrokerError } {
  m.lastHeartbeat = now;
  if (req.clientId != null) m.clientId = req.clientId;
  if (req.clientHost != null) m.clientHost = req.clientHost;
  if (req.rebalanceTimeoutMs != null) {
    if (!inRange(req.rebalanceTimeoutMs, REBALANCE_TIMEOUT_RANGE)) {
      return {
        error: new BrokerError(
          'INVALID_REQUEST',
          `rebalanceTimeoutMs must be between ${REBALANCE_TIMEOUT_RANGE[0]} and ${REBALANCE_TIMEOUT_RANGE[1]}.`,
        ),
      };
    }
    m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
  }
  if (req.ownedPartitions != null) {
    // A member can only hold what it was given; anything else it claims is ignored.
    const mine = new Set([...m.owned, ...m.assigned]);
    m.owned = fromTopicPartitions(req.ownedPartitions).filter((k) => mine.has(k));
  } else {
    m.owned = [...m.assigned];
  }
  const topics = normaliseTopics(req.topics);
  if (topics && topics.length > 0 && topics.join('\n') !== m.subscribedTopics.join('\n')) {
    m.subscribedTopics = topics;
    return { subscriptionChanged: true };
  }
  return { subscriptionChanged: false };
}

/** Recomputes the target assignment when the group epoch moved or a subscribed topic changed shape. */
export function refreshTarget(s: GroupState, ctx: CoordinatorContext): void {
  const subscribed = [...new Set(s.members.flatMap((m) => m.subscribedTopics))].sort();
  const metadata = Object.fromEntries(
    subscribed.filter((t) => ctx.partitionCounts[t] !== undefined).map((t) => [t, ctx.partitionCounts[t]]),
  );
  if (!sameCounts(metadata, s.subscriptionMetadata)) {
    s.subscriptionMetadata = metadata;
    s.groupEpoch++;
  }
  if (s.groupEpoch === s.assignmentEpoch) return;
  s.targetAssignment = assign(s.assignor, { members: s.members, partitionCounts: metadata, current: s.targetAssignment });
  s.assignmentEpoch = s.groupEpoch;
}

/** Moves one member toward its target: drop what it must give up, grant what nobody else holds. */
export function reconcile(s: GroupState, m: GroupMember, now: number): void {
  const target = new Set(s.targetAssignment[m.memberId] ?? []);
  const heldByOthers = new Set(s.members.filter((o) => o !== m).flatMap((o) => [...o.owned, ...o.assigned]));
  const owned = new Set(m.owned);
  const keep = m.owned.filter((k) => target.has(k));
  const grant = [...target].filter((k) => !owned.has(k) && !heldByOthers.has(k));
  m.assigned = [...keep, ...grant].sort(compareTpKeys);
  m.owned = [...new Set([...m.owned, ...grant])].sort(compareTpKeys);
  const revoking = m.owned.some((k) => !target.has(k));
  m.revokingSince = revoking ? (m.revokingSince ?? now) : null;
  if (!revoking && m.memberEpoch !== s.assignmentEpoch) {
    m.previousMemberEpoch = m.memberEpoch;
    m.memberEpoch = s.assignmentEpoch;
  }
}

/**
 * Whether a commit may move the group's offsets. Without a member id only while the group is empty
 * (a standalone consumer); with one, the member must be alive, at its epoch (or the one before), and
 * own every partition it commits.
 */
export function checkCommit(
  state: GroupState,
  commit: { memberId?: string | null; memberEpoch?: number | null; partitions: readonly TopicPartitionKey[] },
  now: number,
): Outcome<true> {
  const { state: s } = expireMembers(state, now);
  if (!commit.memberId) {
    if (s.members.length === 0) return { state: s, result: true };
    return {
      state: s,
      error: new BrokerError(
        'UNKNOWN_MEMBER_ID',
        `Group "${s.groupId}" has active members: a commit without a member id is only accepted while it is empty.`,
      ),
    };
  }
  const m = s.members.find((x) => x.memberId === commit.memberId);
  if (!m)
    return {
      state: s,
      error: new BrokerError('UNKNOWN_MEMBER_ID', `Member "${commit.memberId}" is not in group "${s.groupId}" (it left or was fenced).`),
    };
  const epoch = commit.memberEpoch ?? -1;
  if (epoch > m.memberEpoch)
    return { state: s, error: new BrokerError('FENCED_MEMBER_EPOCH', `Member epoch ${epoch} is ahead of the group's ${m.memberEpoch}.`) };
  if (epoch !== m.memberEpoch && epoch !== m.previousMemberEpoch) {
    return { state: s, error: new BrokerError('STALE_MEMBER_EPOCH', `Member epoch ${epoch} is stale (current ${m.memberEpoch}).`) };
  }
  const mine = new Set([...m.owned, ...m.assigned]);
  const foreign = commit.partitions.find((k) => !mine.has(k));
  if (foreign !== undefined) {
    return {
      state: s,
      error: new BrokerError('STALE_MEMBER_EPOCH', `Member "${m.memberId}" does not own ${foreign}; only the owner may commit it.`),
    };
  }
  return { state: s, result: true };
}

export function groupStateName(s: GroupState): GroupStateName {
  if (s.members.length === 0) return 'Empty';
  if (s.groupEpoch > s.assignmentEpoch) return 'Assigning';
  return s.members.every((m) => memberReconciled(s, m)) ? 'Stable' : 'Reconciling';
}

export function memberReconciled(s: GroupState, m: GroupMember): boolean {
  const target = [...(s.targetAssignment[m.memberId] ?? [])].sort(compareTpKeys);
  return m.memberEpoch === s.assignmentEpoch && sameKeys(m.assigned, target) && sameKeys(m.owned, target);
}

/**
 * Compared as a map, never as JSON text: the state lives in a jsonb column, which hands object keys back
 * ordered by length then bytes, not as written ("orders" before "clickstream"). Comparing text made
 * every heartbeat of a multi-topic group look like a metadata change and bump the group epoch.
 */
export function sameCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

export function normaliseTopics(topics: string[] | null | undefined): string[] | null {
  if (!topics) return null;
  return [...new Set(topics.map((t) => t.trim()).filter(Boolean))].sort();
}

export const inRange = (n: number, [min, max]: readonly [number, number]) => Number.isInteger(n) && n >= min && n <= max;
