import { deleteGroups as api } from '../protocol';
import { errorCodeOf } from './errors';
import { defineHandler } from './types';

/**
 * DeleteGroups 0-2: each group with its committed offsets, only while it has no members
 * (NON_EMPTY_GROUP otherwise; GROUP_ID_NOT_FOUND for one that does not exist), each answered on its own.
 */
export const deleteGroupsHandler = defineHandler<api.DeleteGroupsRequest, api.DeleteGroupsResponse>({
  name: 'DeleteGroups',
  apiKey: 42,
  minVersion: 0,
  maxVersion: 2,
  decode: api.decodeDeleteGroupsRequest,
  encode: api.encodeDeleteGroupsResponse,
  async handle(req, ctx) {
    const results = [];
    for (const groupId of req.groupsNames) {
      try {
        await ctx.broker.groups.delete(groupId);
        results.push({ groupId, errorCode: 0 });
      } catch (err) {
        results.push({ groupId, errorCode: errorCodeOf(err) });
      }
    }
    return { throttleTimeMs: 0, results };
  },
  /** A database outage: retried by admin clients; nothing was deleted. */
  outage: 'COORDINATOR_LOAD_IN_PROGRESS',
  errorResponse: (req, errorCode) => ({ throttleTimeMs: 0, results: req.groupsNames.map((groupId) => ({ groupId, errorCode })) }),
});
