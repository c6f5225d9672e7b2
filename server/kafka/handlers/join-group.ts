import { type ClassicSubscription, CONSUMER_PROTOCOL_TYPE } from '@/server/broker/groups';
import { decodeSubscription } from '../consumer-protocol';
import { joinGroup as api } from '../protocol';
import { kafkaCode } from './errors';
import { defineHandler } from './types';

/**
 * JoinGroup 0-9 on Brook's coordinator (classic members of a consumer group, as Kafka 4 hosts them): the
 * broker assigns, so every member is told it is a follower (`leader` empty, no member list) and gets its
 * partitions from SyncGroup. The join answers at once instead of waiting for the other members: the
 * generation is the member's own epoch, and members that must give partitions up hear it on their next
 * Heartbeat (REBALANCE_IN_PROGRESS). A first join v4+ without a member id gets MEMBER_ID_REQUIRED.
 */
export const joinGroupHandler = defineHandler<api.JoinGroupRequest, api.JoinGroupResponse>({
  name: 'JoinGroup',
  apiKey: 11,
  minVersion: 0,
  maxVersion: 9,
  decode: api.decodeJoinGroupRequest,
  encode: api.encodeJoinGroupResponse,
  async handle(req, ctx) {
    const v = ctx.apiVersion;
    const joined = await ctx.broker.groups.classicJoin(req.groupId, {
      memberId: req.memberId,
      groupInstanceId: v >= 5 ? req.groupInstanceId : null,
      requireKnownMemberId: v >= 4,
      protocolType: req.protocolType,
      protocols: req.protocols.map((p) => p.name),
      subscription: subscriptionOf(req),
      sessionTimeoutMs: req.sessionTimeoutMs,
      // v0 has no rebalance timeout: Kafka uses the session timeout.
      rebalanceTimeoutMs: v >= 1 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      clientId: ctx.clientId ?? '',
      clientHost: ctx.conn.remoteAddress,
    });
    return {
      throttleTimeMs: 0,
      errorCode: joined.memberIdRequired ? kafkaCode('MEMBER_ID_REQUIRED') : 0,
      generationId: joined.generationId,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocolName: joined.protocolName ?? (v >= 7 ? null : ''),
      leader: joined.leader,
      skipAssignment: false,
      memberId: joined.memberId,
      members: [],
    };
  },
  /** A database outage: clients look the coordinator up again and rejoin (Java throws on 14, 7 and 56 here). */
  outage: 'NOT_COORDINATOR',
  errorResponse(req, errorCode, ctx) {
    return {
      errorCode,
      generationId: -1,
      protocolName: ctx.apiVersion >= 7 ? null : '',
      leader: '',
      memberId: req.memberId,
      members: [],
    };
  },
});

/**
 * The member's subscription: every protocol (assignor) of a consumer carries the same topics, so the
 * first one's metadata is read. Another protocol type is refused by the coordinator before the
 * subscription matters, so its bytes are not parsed here.
 */
function subscriptionOf(req: api.JoinGroupRequest): ClassicSubscription {
  const first = req.protocols[0];
  if (req.protocolType !== CONSUMER_PROTOCOL_TYPE || !first) return { version: 0, topics: [] };
  const s = decodeSubscription(first.metadata);
  return { version: s.version, topics: s.topics, ownedPartitions: s.ownedPartitions, userData: s.userData };
}
