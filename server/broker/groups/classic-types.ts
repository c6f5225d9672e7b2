import type { BrokerError } from '../errors';
import type { TopicPartitions } from './types';

/**
 * The classic group protocol's requests and answers, as the engine takes them (decoded: topics, not bytes);
 * the semantics are in classic.ts. For the Kafka handlers (errors are thrown as BrokerError: `kafkaCode`):
 * - JoinGroup: `subscription` = decodeSubscription (server/kafka/consumer-protocol.ts) of the first protocol's
 *   metadata (a malformed one throws INCONSISTENT_GROUP_PROTOCOL); `protocols` = the names in order;
 *   v0 has no rebalance timeout: pass the session timeout; `requireKnownMemberId` = version >= 4.
 *   `memberIdRequired` → error MEMBER_ID_REQUIRED (79) with `memberId`. Answer `leader` and no members.
 * - SyncGroup: the assignment bytes are encodeAssignment({ version: assignmentVersion, assignedPartitions: assignment }).
 * - LeaveGroup v0-v2: one member; its result's error is the response's. v3+: per member.
 * - OffsetCommit: Groups.commit with `classic: { generationId, groupInstanceId }` (v0, and simple
 *   consumers: generation -1 and an empty member id).
 * - DescribeGroups / ListGroups: Groups.classicDescribe / classicList.
 */

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export interface ClassicSubscription {
  /** The ConsumerProtocolSubscription version the client wrote (the assignment is answered in kind). */
  version: number;
  topics: string[];
  /** v1+; eager clients (kafkajs, librdkafka's default) send none: they revoked everything before rejoining. */
  ownedPartitions?: TopicPartitions[] | null;
  userData?: Uint8Array | null;
}

export interface ClassicJoinRequest {
  /** Empty for a member without an id yet. */
  memberId: string;
  groupInstanceId?: string | null;
  /** JoinGroup v4+: a member without an id first gets one with MEMBER_ID_REQUIRED. */
  requireKnownMemberId: boolean;
  protocolType: string;
  /** The protocol (assignor) names, in the client's order; every one carries `subscription`. */
  protocols: string[];
  subscription: ClassicSubscription;
  sessionTimeoutMs: number;
  /** JoinGroup v1+; v0 clients use the session timeout. */
  rebalanceTimeoutMs: number;
  clientId: string;
  clientHost: string;
}

export interface ClassicJoinResponse {
  memberId: string;
  /** The member's epoch; -1 with memberIdRequired. */
  generationId: number;
  protocolName: string | null;
  /** Every classic member is a follower: the leader is nobody (the broker assigns). */
  leader: string;
  /** JoinGroup v4+ first join: answer MEMBER_ID_REQUIRED with `memberId`; the next join with it is accepted. */
  memberIdRequired: boolean;
}

export interface ClassicMemberRef {
  memberId: string;
  groupInstanceId?: string | null;
}

export interface ClassicSyncRequest extends ClassicMemberRef {
  generationId: number;
  protocolType?: string | null;
  protocolName?: string | null;
}

export interface ClassicSyncResponse {
  protocolType: string;
  protocolName: string;
  /** Encode as ConsumerProtocolAssignment with `assignmentVersion`. */
  assignment: TopicPartitions[];
  assignmentVersion: number;
}

export interface ClassicHeartbeatRequest extends ClassicMemberRef {
  generationId: number;
}

export interface ClassicLeaveResult {
  memberId: string;
  groupInstanceId: string | null;
  error: BrokerError | null;
}
