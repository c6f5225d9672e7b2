import { leaveGroup as api } from '../protocol';
import { isOutage } from './errors';
import { defineHandler } from './types';

/**
 * LeaveGroup 0-5: each member leaves at once and its partitions go to the others. v0-2 name one member
 * and answer its error; v3+ name several (by member or instance id) and answer each. A group that does
 * not exist fails the whole request (UNKNOWN_MEMBER_ID), as Kafka answers.
 */
export const leaveGroupHandler = defineHandler<api.LeaveGroupRequest, api.LeaveGroupResponse>({
  name: 'LeaveGroup',
  apiKey: 13,
  minVersion: 0,
  maxVersion: 5,
  decode: api.decodeLeaveGroupRequest,
  encode: api.encodeLeaveGroupResponse,
  async handle(req, ctx) {
    const refs =
      ctx.apiVersion >= 3
        ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
        : [{ memberId: req.memberId, groupInstanceId: null }];
    let results: Awaited<ReturnType<typeof ctx.broker.groups.classicLeave>>;
    try {
      results = await ctx.broker.groups.classicLeave(req.groupId, refs);
    } catch (err) {
      // The database is away: clients ignore LeaveGroup errors anyway; the member's session ends it later.
      if (!isOutage(err)) throw err;
      results = refs.map((r) => ({ ...r, error: null }));
    }
    if (ctx.apiVersion < 3) return { throttleTimeMs: 0, errorCode: results[0]?.error?.kafkaCode ?? 0 };
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      members: results.map((r) => ({ memberId: r.memberId, groupInstanceId: r.groupInstanceId, errorCode: r.error?.kafkaCode ?? 0 })),
    };
  },
  errorResponse: (_req, errorCode, ctx) => (ctx.apiVersion >= 3 ? { errorCode, members: [] } : { errorCode }),
});
