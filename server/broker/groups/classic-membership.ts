import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '@/db/client';
import { BrokerError } from '../errors';
import { classicHeartbeat, classicJoin, classicLeave, classicSync, needsMemberId, validateClassicJoin } from './classic';
import type {
  ClassicHeartbeatRequest,
  ClassicJoinRequest,
  ClassicJoinResponse,
  ClassicLeaveResult,
  ClassicMemberRef,
  ClassicSyncRequest,
  ClassicSyncResponse,
} from './classic-types';
import type { CoordinatorContext } from './coordinator';
import { partitionCounts, validateGroupId, withLockedGroup } from './store';
import type { GroupState } from './types';

/** The classic protocol's calls, each one transaction under the group's row lock (see classic.ts). */

async function context(tx: Queryable, state: GroupState, now: number, extraTopics: readonly string[] = []): Promise<CoordinatorContext> {
  const counts = await partitionCounts(tx, [...state.members.flatMap((m) => m.subscribedTopics), ...extraTopics]);
  return { now, partitionCounts: counts, newMemberId: randomUUID };
}

const noGroup = (groupId: string, memberId: string) =>
  new BrokerError('UNKNOWN_MEMBER_ID', `Group "${groupId}" has no member "${memberId}" (the group does not exist).`);

export async function classicGroupJoin(
  db: Database,
  groupId: string,
  req: ClassicJoinRequest,
  now: number,
  since = -Infinity,
): Promise<ClassicJoinResponse> {
  validateGroupId(groupId);
  const invalid = validateClassicJoin(req);
  if (invalid) throw invalid;
  // Answered before the group is touched (or created): the member comes back with this id.
  if (needsMemberId(req)) {
    return { memberId: randomUUID(), generationId: -1, protocolName: null, leader: '', memberIdRequired: true };
  }
  return withLockedGroup<ClassicJoinResponse>(db, groupId, { op: 'classic_join', create: true, now, since }, async (tx, state) => {
    if (!state) throw new Error('withLockedGroup creates the group when asked to');
    const out = classicJoin(state, req, await context(tx, state, now, req.subscription.topics));
    return { state: out.state, value: out.result, error: out.error };
  });
}

export async function classicGroupSync(
  db: Database,
  groupId: string,
  req: ClassicSyncRequest,
  now: number,
  since = -Infinity,
): Promise<ClassicSyncResponse> {
  validateGroupId(groupId);
  return withLockedGroup<ClassicSyncResponse>(db, groupId, { op: 'classic_sync', create: false, now, since }, async (tx, state) => {
    if (!state) return { error: noGroup(groupId, req.memberId) };
    const out = classicSync(state, req, await context(tx, state, now));
    return { state: out.state, value: out.result, error: out.error };
  });
}

export async function classicGroupHeartbeat(
  db: Database,
  groupId: string,
  req: ClassicHeartbeatRequest,
  now: number,
  since = -Infinity,
): Promise<void> {
  validateGroupId(groupId);
  await withLockedGroup<true>(db, groupId, { op: 'classic_heartbeat', create: false, now, since }, async (tx, state) => {
    if (!state) return { error: noGroup(groupId, req.memberId) };
    const out = classicHeartbeat(state, req, await context(tx, state, now));
    return { state: out.state, value: out.result, error: out.error };
  });
}

/** Per-member results (LeaveGroup v3+); a group that does not exist is UNKNOWN_MEMBER_ID for the whole request. */
export async function classicGroupLeave(
  db: Database,
  groupId: string,
  members: readonly ClassicMemberRef[],
  now: number,
  since = -Infinity,
): Promise<ClassicLeaveResult[]> {
  validateGroupId(groupId);
  if (members.length === 0) throw new BrokerError('INVALID_REQUEST', 'LeaveGroup names no member.');
  return withLockedGroup<ClassicLeaveResult[]>(db, groupId, { op: 'classic_leave', create: false, now, since }, async (tx, state) => {
    if (!state) return { error: noGroup(groupId, members[0].memberId) };
    const out = classicLeave(state, members, await context(tx, state, now));
    return { state: out.state, value: out.results };
  });
}
