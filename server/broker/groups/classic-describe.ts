import type { Queryable } from '@/db/client';
import { groupStateName } from './coordinator';
import { readGroup, readGroups } from './store';
import { type GroupState, type GroupStateName, type TopicPartitions, toTopicPartitions } from './types';

/**
 * Groups as Kafka's DescribeGroups and ListGroups show them (classic vocabulary), for every member
 * whatever its protocol: a Kafka admin tool sees Brook's HTTP members too, as consumer-protocol members.
 * The handler encodes `subscription` and `assignment` with server/kafka/consumer-protocol.ts.
 */

export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** Computing a new target is the classic "preparing"; members moving to it, "completing". */
export function classicGroupState(name: GroupStateName): ClassicGroupState {
  switch (name) {
    case 'Assigning':
      return 'PreparingRebalance';
    case 'Reconciling':
      return 'CompletingRebalance';
    default:
      return name;
  }
}

export interface ClassicDescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** What its ConsumerProtocolSubscription said (HTTP members: version 0, their topics). */
  subscription: { version: number; topics: string[]; ownedPartitions: TopicPartitions[]; userData: Buffer | null };
  /** What it was last given. */
  assignment: TopicPartitions[];
  assignmentVersion: number;
}

export interface ClassicDescribedGroup {
  groupId: string;
  state: ClassicGroupState;
  /** "consumer"; empty for a group that does not exist (state Dead), as Kafka answers. */
  protocolType: string;
  /** The classic members' protocol (assignor) name, else Brook's assignor's. */
  protocol: string;
  members: ClassicDescribedMember[];
}

export function describeClassic(g: GroupState): ClassicDescribedGroup {
  const classic = g.members.find((m) => m.classic)?.classic;
  return {
    groupId: g.groupId,
    state: classicGroupState(groupStateName(g)),
    protocolType: 'consumer',
    protocol: classic?.protocolName ?? g.assignor,
    members: g.members.map((m) => {
      const version = Math.min(Math.max(m.classic?.subscriptionVersion ?? 0, 0), 3);
      return {
        memberId: m.memberId,
        groupInstanceId: m.classic?.groupInstanceId ?? null,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscription: {
          version,
          topics: m.subscribedTopics,
          ownedPartitions: version >= 1 ? toTopicPartitions(m.owned) : [],
          userData: m.classic?.userData ? Buffer.from(m.classic.userData, 'base64') : null,
        },
        assignment: toTopicPartitions(m.assigned),
        assignmentVersion: version,
      };
    }),
  };
}

export function deadGroup(groupId: string): ClassicDescribedGroup {
  return { groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
}

export async function describeClassicGroups(db: Queryable, groupIds: readonly string[]): Promise<ClassicDescribedGroup[]> {
  const out: ClassicDescribedGroup[] = [];
  for (const groupId of groupIds) {
    const g = await readGroup(db, groupId);
    out.push(g ? describeClassic(g) : deadGroup(groupId));
  }
  return out;
}

/** Kafka's ListGroups: every group, as a consumer group in classic states. */
export async function listClassicGroups(
  db: Queryable,
): Promise<Array<{ groupId: string; protocolType: 'consumer'; state: ClassicGroupState }>> {
  return (await readGroups(db)).map((g) => ({ groupId: g.groupId, protocolType: 'consumer', state: classicGroupState(groupStateName(g)) }));
}
