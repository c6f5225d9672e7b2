import { listGroups as api } from '../protocol';
import { may } from './acl-resources';
import { defineHandler } from './types';

/** ListGroups 0-4: every group the caller may describe, as a consumer group in Kafka's classic state names; v4 filters by state (case-insensitive, as Kafka). */
export const listGroupsHandler = defineHandler<api.ListGroupsRequest, api.ListGroupsResponse>({
  name: 'ListGroups',
  apiKey: 16,
  minVersion: 0,
  maxVersion: 4,
  decode: api.decodeListGroupsRequest,
  encode: api.encodeListGroupsResponse,
  async handle(req, ctx) {
    const wanted = new Set((ctx.apiVersion >= 4 ? req.statesFilter : []).map((s) => s.toLowerCase()));
    // Only groups the caller may DESCRIBE (Kafka also lists all with DESCRIBE on the cluster, which every role's
    // preset has: a per-group binding would then hide nothing).
    const groups = (await ctx.broker.groups.classicList()).filter(
      (g) => (wanted.size === 0 || wanted.has(g.state.toLowerCase())) && may(ctx, 'DESCRIBE', 'GROUP', g.groupId),
    );
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      groups: groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state })),
    };
  },
  /** A database outage: the groups cannot be read yet, as while a Kafka coordinator loads them. */
  outage: 'COORDINATOR_LOAD_IN_PROGRESS',
  errorResponse: (_req, errorCode) => ({ errorCode, groups: [] }),
});
