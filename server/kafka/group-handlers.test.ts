import { beforeEach, describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import { decodeAssignment, decodeSubscription, encodeSubscription } from './consumer-protocol';
import type {
  deleteGroups,
  describeGroups,
  findCoordinator,
  heartbeat,
  joinGroup,
  leaveGroup,
  listGroups,
  offsetCommit,
  offsetFetch,
  syncGroup,
} from './protocol';
import { KafkaTestClient } from './test-client';
import { type KafkaTestBroker, kafkaTestBroker } from './testing';

const KEY = {
  offsetCommit: 8,
  offsetFetch: 9,
  findCoordinator: 10,
  join: 11,
  heartbeat: 12,
  leave: 13,
  sync: 14,
  describe: 15,
  list: 16,
  deleteGroups: 42,
};
const ERR = {
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  COORDINATOR_NOT_AVAILABLE: 15,
  MEMBER_ID_REQUIRED: 79,
  NON_EMPTY_GROUP: 68,
  FENCED_INSTANCE_ID: 82,
  GROUP_ID_NOT_FOUND: 69,
};

describe.each(testBackends())('Kafka group APIs at exact versions (%s)', (backend) => {
  let env: KafkaTestBroker;
  kafkaTestBroker(backend, (e) => {
    env = e;
  });
  let client: KafkaTestClient;
  let topic: string;
  let group: string;
  beforeEach(async () => {
    client = await KafkaTestClient.connect(env.host, env.port);
    topic = uniqueName('kg-topic');
    group = uniqueName('kg-group');
    await env.broker.createTopic({ name: topic, partitions: 6 });
    return () => client.close();
  });

  const joinBody = (memberId: string, over: Partial<joinGroup.JoinGroupRequest> = {}): joinGroup.JoinGroupRequest => ({
    groupId: group,
    sessionTimeoutMs: 30_000,
    rebalanceTimeoutMs: 60_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'RoundRobinAssigner', metadata: encodeSubscription({ version: 0, topics: [topic] }) }],
    reason: null,
    ...over,
  });
  const join = (version: number, memberId: string, over: Partial<joinGroup.JoinGroupRequest> = {}) =>
    client.request<joinGroup.JoinGroupResponse>(KEY.join, version, joinBody(memberId, over));

  /** JoinGroup v5 as kafkajs does it: MEMBER_ID_REQUIRED first, then the join with the id handed out. */
  async function member(): Promise<{ memberId: string; generationId: number }> {
    const first = await join(5, '');
    expect(first.errorCode).toBe(ERR.MEMBER_ID_REQUIRED);
    const joined = await join(5, first.memberId);
    expect(joined.errorCode).toBe(0);
    return { memberId: joined.memberId, generationId: joined.generationId ?? -1 };
  }

  const sync = (m: { memberId: string; generationId: number }, version = 3) =>
    client.request<syncGroup.SyncGroupResponse>(KEY.sync, version, {
      groupId: group,
      generationId: m.generationId,
      memberId: m.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'RoundRobinAssigner',
      assignments: [],
    });
  const beat = (m: { memberId: string; generationId: number }, version = 3) =>
    client.request<heartbeat.HeartbeatResponse>(KEY.heartbeat, version, {
      groupId: group,
      generationId: m.generationId,
      memberId: m.memberId,
      groupInstanceId: null,
    });
  const partitionsOf = (res: syncGroup.SyncGroupResponse) =>
    decodeAssignment(res.assignment).assignedPartitions.flatMap((tp) => tp.partitions.map((p) => `${tp.topic}:${p}`));
  const commit = (version: number, m: { memberId: string; generationId: number }, offsets: Array<[string, number, number]>) =>
    client.request<offsetCommit.OffsetCommitResponse>(KEY.offsetCommit, version, {
      groupId: group,
      generationIdOrMemberEpoch: m.generationId,
      memberId: m.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [...new Set(offsets.map((o) => o[0]))].map((name) => ({
        name,
        partitions: offsets
          .filter((o) => o[0] === name)
          .map(([, partitionIndex, offset]) => ({
            partitionIndex,
            committedOffset: BigInt(offset),
            committedLeaderEpoch: -1,
            commitTimestamp: -1n,
            committedMetadata: 'm',
          })),
      })),
    });

  it.each([0, 1, 3, 4])('FindCoordinator v%i names this instance for a group', async (version) => {
    const res = await client.request<findCoordinator.FindCoordinatorResponse>(KEY.findCoordinator, version, {
      key: version >= 4 ? '' : group,
      keyType: 0,
      coordinatorKeys: version >= 4 ? [group, 'other'] : [],
    });
    const answers = version >= 4 ? (res.coordinators ?? []) : [{ ...res, key: group }];
    expect(answers).toHaveLength(version >= 4 ? 2 : 1);
    for (const a of answers) expect(a).toMatchObject({ errorCode: 0, nodeId: env.nodeId, host: env.host, port: env.port });
  });

  it('FindCoordinator answers a transaction key COORDINATOR_NOT_AVAILABLE', async () => {
    const res = await client.request<findCoordinator.FindCoordinatorResponse>(KEY.findCoordinator, 2, {
      key: 'tx-1',
      keyType: 1,
      coordinatorKeys: [],
    });
    expect(res.errorCode).toBe(ERR.COORDINATOR_NOT_AVAILABLE);
  });

  it('a lone member joins as a follower, syncs all partitions, heartbeats; a second member makes it rejoin and they split', async () => {
    const a = await member();
    const joinedA = await join(5, a.memberId);
    expect(joinedA).toMatchObject({ leader: '', members: [], protocolName: 'RoundRobinAssigner' });
    const syncedA = await sync(joinedA as { memberId: string; generationId: number });
    expect(syncedA.errorCode).toBe(0);
    expect(partitionsOf(syncedA)).toHaveLength(6);
    const a1 = { memberId: a.memberId, generationId: joinedA.generationId ?? -1 };
    expect((await beat(a1)).errorCode).toBe(0);

    const b = await member();
    expect((await beat(a1)).errorCode).toBe(ERR.REBALANCE_IN_PROGRESS);
    // An eager client revokes everything before rejoining (its subscription names no owned partitions).
    const rejoinedA = await join(5, a.memberId);
    const a2 = { memberId: a.memberId, generationId: rejoinedA.generationId ?? -1 };
    const mineA = partitionsOf(await sync(a2));
    // B joined while A held everything: it got nothing, and hears on its heartbeat that it can now catch up.
    expect(partitionsOf(await sync(b))).toEqual([]);
    expect((await beat(b)).errorCode).toBe(ERR.REBALANCE_IN_PROGRESS);
    const rejoinedB = await join(5, b.memberId);
    const mineB = partitionsOf(await sync({ memberId: b.memberId, generationId: rejoinedB.generationId ?? -1 }));
    expect(mineA).toHaveLength(3);
    expect(mineB).toHaveLength(3);
    expect(new Set([...mineA, ...mineB]).size).toBe(6);
    expect((await beat(a2)).errorCode).toBe(0);
  });

  it('JoinGroup v0 hands out a member id at once; v9 (flexible) asks for one first', async () => {
    const v0 = await join(0, '');
    expect(v0.errorCode).toBe(0);
    expect(v0.memberId).not.toBe('');
    const v9 = await join(9, '');
    expect(v9.errorCode).toBe(ERR.MEMBER_ID_REQUIRED);
    const again = await join(9, v9.memberId);
    expect(again).toMatchObject({ errorCode: 0, memberId: v9.memberId, protocolType: 'consumer', leader: '', members: [] });
  });

  it('JoinGroup refuses another protocol type with INCONSISTENT_GROUP_PROTOCOL and keeps the connection', async () => {
    const res = await join(5, 'x', { protocolType: 'connect', protocols: [{ name: 'default', metadata: Buffer.from([1, 2, 3]) }] });
    expect(res.errorCode).toBe(ERR.INCONSISTENT_GROUP_PROTOCOL);
    const garbage = await join(5, 'x', { protocols: [{ name: 'range', metadata: Buffer.from([0]) }] });
    expect(garbage.errorCode).toBe(ERR.INCONSISTENT_GROUP_PROTOCOL);
    expect((await join(5, '')).errorCode).toBe(ERR.MEMBER_ID_REQUIRED);
  });

  it('SyncGroup and Heartbeat of an unknown member or stale generation answer the error, not a closed connection', async () => {
    const a = await member();
    expect((await sync({ memberId: 'nobody', generationId: 1 })).errorCode).toBe(ERR.UNKNOWN_MEMBER_ID);
    expect((await beat({ ...a, generationId: a.generationId + 7 })).errorCode).toBe(ERR.ILLEGAL_GENERATION);
    expect((await sync(a, 5)).errorCode).toBe(0);
  });

  it.each([2, 7, 8])('OffsetCommit v%i by a member, read back with OffsetFetch; unknown partitions are answered each', async (version) => {
    const a = await member();
    const assigned = partitionsOf(await sync(a));
    expect(assigned).toHaveLength(6);
    const res = await commit(version, a, [
      [topic, 0, 0],
      [topic, 3, 0],
      [topic, 9, 0],
      ['no-such-topic', 0, 0],
    ]);
    const codes = res.topics.flatMap((t) => t.partitions.map((p) => `${t.name}:${p.partitionIndex}=${p.errorCode}`));
    expect(codes).toEqual([`${topic}:0=0`, `${topic}:3=0`, `${topic}:9=3`, 'no-such-topic:0=3']);

    const fetched = await client.request<offsetFetch.OffsetFetchResponse>(KEY.offsetFetch, 1, {
      groupId: group,
      topics: [{ name: topic, partitionIndexes: [0, 1, 3] }],
      groups: [],
      requireStable: false,
    });
    expect(fetched.topics?.[0].partitions.map((p) => [p.partitionIndex, p.committedOffset, p.errorCode])).toEqual([
      [0, 0n, 0],
      [1, -1n, 0],
      [3, 0n, 0],
    ]);
  });

  it('OffsetCommit with a stale generation fails every partition with ILLEGAL_GENERATION', async () => {
    const a = await member();
    await sync(a);
    const res = await commit(5, { ...a, generationId: a.generationId - 1 }, [
      [topic, 0, 0],
      [topic, 1, 0],
    ]);
    expect(res.topics[0].partitions.map((p) => p.errorCode)).toEqual([ERR.ILLEGAL_GENERATION, ERR.ILLEGAL_GENERATION]);
  });

  it('a simple consumer (generation -1, no member) commits to an empty group; OffsetFetch v8 answers several groups and all topics', async () => {
    const res = await commit(3, { memberId: '', generationId: -1 }, [[topic, 2, 0]]);
    expect(res.topics[0].partitions[0].errorCode).toBe(0);
    const fetched = await client.request<offsetFetch.OffsetFetchResponse>(KEY.offsetFetch, 8, {
      groupId: '',
      topics: [],
      groups: [
        { groupId: group, memberId: null, memberEpoch: -1, topics: null },
        { groupId: uniqueName('none'), memberId: null, memberEpoch: -1, topics: [{ name: topic, partitionIndexes: [2] }] },
      ],
      requireStable: false,
    });
    expect(
      fetched.groups?.map((g) => [g.errorCode ?? 0, g.topics.map((t) => [t.name, t.partitions.map((p) => p.committedOffset)])]),
    ).toEqual([
      [0, [[topic, [0n]]]],
      [0, [[topic, [-1n]]]],
    ]);
  });

  it('DescribeGroups v5 shows members with client id, subscription and assignment; ListGroups v4 filters by state; LeaveGroup empties it', async () => {
    const a = await member();
    await sync(a);
    const described = await client.request<describeGroups.DescribeGroupsResponse>(KEY.describe, 5, {
      groups: [group, uniqueName('missing')],
      includeAuthorizedOperations: false,
    });
    const [g, missing] = described.groups;
    expect(g).toMatchObject({
      errorCode: 0,
      groupId: group,
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'RoundRobinAssigner',
    });
    expect(g.members).toHaveLength(1);
    expect(g.members[0]).toMatchObject({ memberId: a.memberId, clientId: 'brook-test', clientHost: '127.0.0.1' });
    expect(decodeSubscription(g.members[0].memberMetadata).topics).toEqual([topic]);
    expect(decodeAssignment(g.members[0].memberAssignment).assignedPartitions).toEqual([{ topic, partitions: [0, 1, 2, 3, 4, 5] }]);
    expect(missing).toMatchObject({ errorCode: 0, groupState: 'Dead', members: [] });

    const stable = await client.request<listGroups.ListGroupsResponse>(KEY.list, 4, { statesFilter: ['stable'], typesFilter: [] });
    expect(stable.groups).toContainEqual(expect.objectContaining({ groupId: group, protocolType: 'consumer', groupState: 'Stable' }));
    const empty = await client.request<listGroups.ListGroupsResponse>(KEY.list, 4, { statesFilter: ['Empty'], typesFilter: [] });
    expect(empty.groups.map((x) => x.groupId)).not.toContain(group);

    const left = await client.request<leaveGroup.LeaveGroupResponse>(KEY.leave, 3, {
      groupId: group,
      memberId: '',
      members: [
        { memberId: a.memberId, groupInstanceId: null, reason: null },
        { memberId: 'ghost', groupInstanceId: null, reason: null },
      ],
    });
    expect(left.errorCode).toBe(0);
    expect(left.members?.map((m) => [m.memberId, m.errorCode])).toEqual([
      [a.memberId, 0],
      ['ghost', ERR.UNKNOWN_MEMBER_ID],
    ]);
    const all = await client.request<listGroups.ListGroupsResponse>(KEY.list, 0, { statesFilter: [], typesFilter: [] });
    expect(all.groups).toContainEqual(expect.objectContaining({ groupId: group, protocolType: 'consumer' }));
    const v0 = await client.request<leaveGroup.LeaveGroupResponse>(KEY.leave, 0, { groupId: group, memberId: a.memberId, members: [] });
    expect(v0.errorCode).toBe(ERR.UNKNOWN_MEMBER_ID);
  });

  it.each([0, 2])(
    'DeleteGroups v%i: a group with members is NON_EMPTY_GROUP, an empty one goes with its offsets, a missing one is GROUP_ID_NOT_FOUND',
    async (version) => {
      const a = await member();
      await sync(a);
      await commit(5, a, [[topic, 0, 0]]);
      const missing = uniqueName('missing');
      const del = () => client.request<deleteGroups.DeleteGroupsResponse>(KEY.deleteGroups, version, { groupsNames: [group, missing] });
      expect((await del()).results).toEqual([
        { groupId: group, errorCode: ERR.NON_EMPTY_GROUP },
        { groupId: missing, errorCode: ERR.GROUP_ID_NOT_FOUND },
      ]);
      await client.request<leaveGroup.LeaveGroupResponse>(KEY.leave, 1, { groupId: group, memberId: a.memberId, members: [] });
      expect((await del()).results[0]).toEqual({ groupId: group, errorCode: 0 });
      expect(await env.broker.groups.fetchOffsets(group)).toEqual([]);
    },
  );

  it('a static member (group.instance.id) restarting takes its place back; the old id is fenced; it leaves by instance id', async () => {
    const first = await join(5, '', { groupInstanceId: 'instance-1' });
    expect(first.errorCode).toBe(0);
    const a = { memberId: first.memberId, generationId: first.generationId ?? -1 };
    expect(partitionsOf(await sync(a))).toHaveLength(6);

    const restarted = await join(5, '', { groupInstanceId: 'instance-1' });
    expect(restarted.errorCode).toBe(0);
    expect(restarted.memberId).not.toBe(a.memberId);
    const b = { memberId: restarted.memberId, generationId: restarted.generationId ?? -1 };
    expect(partitionsOf(await sync(b))).toHaveLength(6);
    const stale = await client.request<heartbeat.HeartbeatResponse>(KEY.heartbeat, 3, {
      groupId: group,
      generationId: a.generationId,
      memberId: a.memberId,
      groupInstanceId: 'instance-1',
    });
    expect(stale.errorCode).toBe(ERR.FENCED_INSTANCE_ID);

    const left = await client.request<leaveGroup.LeaveGroupResponse>(KEY.leave, 4, {
      groupId: group,
      memberId: '',
      members: [{ memberId: '', groupInstanceId: 'instance-1', reason: null }],
    });
    expect(left.members?.map((m) => [m.groupInstanceId, m.errorCode])).toEqual([['instance-1', 0]]);
    expect((await env.broker.groups.classicDescribe([group]))[0].members).toEqual([]);
  });
});
