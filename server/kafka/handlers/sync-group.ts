import { CONSUMER_PROTOCOL_TYPE } from '@/server/broker/groups';
import { encodeAssignment } from '../consumer-protocol';
import { syncGroup as api } from '../protocol';
import { defineHandler } from './types';

/**
 * SyncGroup 0-5: the member's share of the broker's assignment, as a ConsumerProtocolAssignment in the
 * version of its subscription. Assignments a client computed itself (it never should: it is a follower)
 * are ignored.
 */
export const syncGroupHandler = defineHandler<api.SyncGroupRequest, api.SyncGroupResponse>({
  name: 'SyncGroup',
  apiKey: 14,
  minVersion: 0,
  maxVersion: 5,
  decode: api.decodeSyncGroupRequest,
  encode: api.encodeSyncGroupResponse,
  async handle(req, ctx) {
    const v = ctx.apiVersion;
    const synced = await ctx.broker.groups.classicSync(req.groupId, {
      memberId: req.memberId,
      groupInstanceId: v >= 3 ? req.groupInstanceId : null,
      generationId: req.generationId,
      protocolType: v >= 5 ? req.protocolType : null,
      protocolName: v >= 5 ? req.protocolName : null,
    });
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      protocolType: synced.protocolType,
      protocolName: synced.protocolName,
      assignment: encodeAssignment({ version: synced.assignmentVersion, assignedPartitions: synced.assignment }),
    };
  },
  /** A database outage: Java's SyncGroup retries only 15 and 16; kafkajs retries 16 in place. */
  outage: 'NOT_COORDINATOR',
  errorResponse(_req, errorCode, ctx) {
    return {
      errorCode,
      protocolType: ctx.apiVersion >= 5 ? CONSUMER_PROTOCOL_TYPE : undefined,
      protocolName: null,
      assignment: Buffer.alloc(0),
    };
  },
});
