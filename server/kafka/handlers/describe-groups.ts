import type { ClassicDescribedGroup } from '@/server/broker/groups';
import { encodeAssignment, encodeSubscription } from '../consumer-protocol';
import { describeGroups as api } from '../protocol';
import { defineHandler } from './types';

/**
 * DescribeGroups 0-5: each group with every member (Kafka clients and Brook's HTTP members alike), their
 * subscription and assignment encoded as the consumer protocol's structs, and the classic state name;
 * a group that does not exist is Dead with no error, as Kafka answers these versions.
 */
export const describeGroupsHandler = defineHandler<api.DescribeGroupsRequest, api.DescribeGroupsResponse>({
  name: 'DescribeGroups',
  apiKey: 15,
  minVersion: 0,
  maxVersion: 5,
  decode: api.decodeDescribeGroupsRequest,
  encode: api.encodeDescribeGroupsResponse,
  async handle(req, ctx) {
    const described = await ctx.broker.groups.classicDescribe(req.groups);
    return { throttleTimeMs: 0, groups: described.map(toKafka) };
  },
  /** A database outage: the groups cannot be read yet, as while a Kafka coordinator loads them. */
  outage: 'COORDINATOR_LOAD_IN_PROGRESS',
  errorResponse: (req, errorCode) => ({
    groups: req.groups.map((groupId) => ({ errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [] })),
  }),
});

function toKafka(g: ClassicDescribedGroup): api.DescribedGroup {
  return {
    errorCode: 0,
    groupId: g.groupId,
    groupState: g.state,
    protocolType: g.protocolType,
    protocolData: g.protocol,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: encodeSubscription(m.subscription),
      memberAssignment: encodeAssignment({ version: m.assignmentVersion, assignedPartitions: m.assignment }),
    })),
  };
}
