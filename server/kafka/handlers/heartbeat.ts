import { heartbeat as api } from '../protocol';
import { isOutage } from './errors';
import { defineHandler } from './types';

/**
 * Heartbeat 0-4: REBALANCE_IN_PROGRESS when the member must rejoin to give up or get partitions; no error
 * while the database is away (see handle).
 */
export const heartbeatHandler = defineHandler<api.HeartbeatRequest, api.HeartbeatResponse>({
  name: 'Heartbeat',
  apiKey: 12,
  minVersion: 0,
  maxVersion: 4,
  decode: api.decodeHeartbeatRequest,
  encode: api.encodeHeartbeatResponse,
  async handle(req, ctx) {
    try {
      await ctx.broker.groups.classicHeartbeat(req.groupId, {
        memberId: req.memberId,
        groupInstanceId: ctx.apiVersion >= 3 ? req.groupInstanceId : null,
        generationId: req.generationId,
      });
    } catch (err) {
      // The database is away: answered as Kafka answers heartbeats while a coordinator loads its groups.
      // Any error code here costs a member its partitions in some client (librdkafka after its session
      // timeout, kafkajs after five retries); the member's clock restarts when the database is back.
      if (!isOutage(err)) throw err;
    }
    return { throttleTimeMs: 0, errorCode: 0 };
  },
  errorResponse: (_req, errorCode) => ({ errorCode }),
});
