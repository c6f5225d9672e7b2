import { heartbeat as api } from '../protocol';
import { defineHandler } from './types';

/** Heartbeat 0-4: REBALANCE_IN_PROGRESS when the member must rejoin to give up or get partitions. */
export const heartbeatHandler = defineHandler<api.HeartbeatRequest, api.HeartbeatResponse>({
  name: 'Heartbeat',
  apiKey: 12,
  minVersion: 0,
  maxVersion: 4,
  decode: api.decodeHeartbeatRequest,
  encode: api.encodeHeartbeatResponse,
  async handle(req, ctx) {
    await ctx.broker.groups.classicHeartbeat(req.groupId, {
      memberId: req.memberId,
      groupInstanceId: ctx.apiVersion >= 3 ? req.groupInstanceId : null,
      generationId: req.generationId,
    });
    return { throttleTimeMs: 0, errorCode: 0 };
  },
  errorResponse: (_req, errorCode) => ({ errorCode }),
});
