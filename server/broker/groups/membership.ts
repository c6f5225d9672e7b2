import { randomUUID } from 'node:crypto';
import type { Database } from '@/db/client';
import { BrokerError } from '../errors';
import { fenceExpired, type HeartbeatRequest, type HeartbeatResponse, heartbeat, validateJoin } from './coordinator';
import { groupsPastDeadline, partitionCounts, validateGroupId, withLockedGroup } from './store';

export interface HeartbeatInput extends HeartbeatRequest {
  groupId: string;
}

/** One heartbeat, under the group's row lock: join, leave, or report and receive the assignment. */
export async function groupHeartbeat(db: Database, input: HeartbeatInput, now: number, since = -Infinity): Promise<HeartbeatResponse> {
  validateGroupId(input.groupId);
  if (!Number.isInteger(input.memberEpoch) || input.memberEpoch < -1) {
    throw new BrokerError('INVALID_REQUEST', `memberEpoch must be 0 (join), -1 (leave) or the member's epoch; got ${input.memberEpoch}.`);
  }
  if (input.memberEpoch === 0) {
    const invalid = validateJoin(input);
    if (invalid) throw invalid;
  } else if (!input.memberId) {
    throw new BrokerError('UNKNOWN_MEMBER_ID', 'A heartbeat needs the memberId given at join (or memberEpoch 0 to join).');
  }
  return withLockedGroup<HeartbeatResponse>(
    db,
    input.groupId,
    { op: 'heartbeat', create: input.memberEpoch === 0, now, since },
    async (tx, state) => {
      if (!state) {
        return {
          error: new BrokerError(
            'UNKNOWN_MEMBER_ID',
            `Group "${input.groupId}" has no member "${input.memberId}" (the group does not exist).`,
          ),
        };
      }
      const topics = [...state.members.flatMap((m) => m.subscribedTopics), ...(input.topics ?? [])];
      const counts = await partitionCounts(tx, topics);
      const out = heartbeat(state, input, { now, partitionCounts: counts, newMemberId: randomUUID });
      return { state: out.state, value: out.result, error: out.error };
    },
  );
}

/**
 * Fences members whose session or rebalance timeout has run out, in every group that has one. Any
 * process may run it: each group is re-checked under its lock, so doing it twice changes nothing.
 */
export async function expireGroupSessions(db: Database, now: number, since = -Infinity): Promise<number> {
  let fenced = 0;
  for (const groupId of await groupsPastDeadline(db, now)) {
    fenced += await withLockedGroup<number>(db, groupId, { op: 'expire_sessions', create: false, now, since }, async (tx, state) => {
      if (!state) return { value: 0 };
      const counts = await partitionCounts(
        tx,
        state.members.flatMap((m) => m.subscribedTopics),
      );
      const out = fenceExpired(state, { now, partitionCounts: counts, newMemberId: randomUUID });
      return { state: out.state, value: out.fenced.length };
    });
  }
  return fenced;
}
