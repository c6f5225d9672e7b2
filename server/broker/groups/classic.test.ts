import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, testBackends, uniqueName } from '@/db/testing';
import { type Broker, createBroker } from '@/server/broker';
import { expectKafkaError } from '@/server/broker/testing';
import { fromTopicPartitions, toTopicPartitions } from '@/server/kernel/topic-partition';
import { classicGroupState } from '.';
import { MAX_USER_DATA_BYTES } from './classic';
import { Client, expectDisjoint, settle } from './classic-testing';

const flat = fromTopicPartitions;

describe.each(testBackends())('classic group members on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  let clock = 1_800_000_000_000;
  beforeAll(async () => {
    db = await openTestDatabase(backend);
    broker = createBroker(db, { now: () => clock });
  });
  afterAll(async () => {
    await broker?.close();
    await db?.close();
  });

  async function topic(partitions: number) {
    const name = uniqueName('t');
    await broker.createTopic({ name, partitions });
    return name;
  }

  it('MEMBER_ID_REQUIRED first, without creating the group; then a lone member gets every partition', async () => {
    const t = await topic(4);
    const group = uniqueName('g');
    const c = new Client(broker, group, [t]);
    const first = await broker.groups.classicJoin(group, c.joinRequest());
    expect(first.memberIdRequired).toBe(true);
    expect(first.memberId).not.toBe('');
    await expectKafkaError(broker.groups.describe(group), 'GROUP_ID_NOT_FOUND');
    await c.join();
    expect(c.generation).toBeGreaterThan(0);
    expect(c.assignment).toEqual([0, 1, 2, 3].map((p) => `${t}:${p}`));
    await c.heartbeat();
    const d = await broker.groups.describe(group);
    expect(d.state).toBe('Stable');
    expect(d.members).toMatchObject([{ memberId: c.memberId, clientId: 'kafkajs', clientHost: '/127.0.0.1' }]);
    expect(flat(d.members[0].assignment)).toEqual(c.assignment);
    // JoinGroup v0-v3 has no MEMBER_ID_REQUIRED: the id comes with the first answer.
    const old = new Client(broker, uniqueName('g'), [t], { requireKnownMemberId: false });
    await old.join();
    expect(old.memberId).not.toBe('');
    expect(old.assignment).toHaveLength(4);
  });

  it('two classic members converge: the first is told to rejoin, then both are stable, disjoint and complete', async () => {
    const t = await topic(4);
    const group = uniqueName('g');
    const a = new Client(broker, group, [t]);
    const b = new Client(broker, group, [t]);
    await a.join();
    await b.join();
    // A still owns everything: B gets nothing yet, and has no reason to rejoin.
    expect(b.assignment).toEqual([]);
    expect(await b.beat()).toBe(false);
    await expectKafkaError(a.heartbeat(), 'REBALANCE_IN_PROGRESS');
    await a.join();
    expect(a.assignment).toHaveLength(2);
    expectDisjoint([a, b]);
    // A released B's half: B's heartbeat says so, and B takes it.
    expect(await b.beat()).toBe(true);
    expectDisjoint([a, b], 4);
    expect(await a.beat()).toBe(false);
    expect(await b.beat()).toBe(false);
    expect(a.generation).toBe(b.generation);
    expect((await broker.groups.describe(group)).state).toBe('Stable');
    // A stale generation is refused.
    await expectKafkaError(
      broker.groups.classicHeartbeat(group, { memberId: a.memberId, generationId: a.generation - 1 }),
      'ILLEGAL_GENERATION',
    );
    await expectKafkaError(
      broker.groups.classicSync(group, { memberId: a.memberId, generationId: a.generation + 1 }),
      'ILLEGAL_GENERATION',
    );
  });

  it('a classic member and an HTTP member share one group, one assignment and one set of offsets', async () => {
    const t = await topic(4);
    const group = uniqueName('g');
    const http = await broker.groups.heartbeat({ groupId: group, memberEpoch: 0, topics: [t] });
    expect(flat(http.assignment)).toHaveLength(4);
    const c = new Client(broker, group, [t]);
    await c.join();
    expect(c.assignment).toEqual([]);
    // The HTTP member is told to give two up, and acknowledges.
    const h2 = await broker.groups.heartbeat({ groupId: group, memberId: http.memberId, memberEpoch: http.memberEpoch });
    const kept = flat(h2.assignment);
    expect(kept).toHaveLength(2);
    const h3 = await broker.groups.heartbeat({
      groupId: group,
      memberId: http.memberId,
      memberEpoch: h2.memberEpoch,
      ownedPartitions: h2.assignment,
    });
    await settle([c], 2);
    expect(new Set([...kept, ...c.assignment]).size).toBe(4);
    const d = await broker.groups.describe(group);
    expect(d.state).toBe('Stable');
    expect(d.members).toHaveLength(2);
    // Kafka's DescribeGroups sees both members, in classic terms; a group that does not exist is Dead.
    const missing = uniqueName('none');
    const [kd, dead] = await broker.groups.classicDescribe([group, missing]);
    expect(kd).toMatchObject({ groupId: group, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    const classicView = kd.members.find((m) => m.memberId === c.memberId);
    expect(classicView).toMatchObject({ clientId: 'kafkajs', clientHost: '/127.0.0.1', groupInstanceId: null, assignmentVersion: 0 });
    expect(classicView?.subscription.topics).toEqual([t]);
    expect(flat(classicView?.assignment ?? [])).toEqual(c.assignment);
    expect(flat(kd.members.find((m) => m.memberId === http.memberId)?.assignment ?? [])).toEqual(kept);
    expect(dead).toEqual({ groupId: missing, state: 'Dead', protocolType: '', protocol: '', members: [] });
    const listed = (await broker.groups.classicList()).find((g) => g.groupId === group);
    expect(listed).toEqual({ groupId: group, protocolType: 'consumer', state: 'Stable' });
    expect(classicGroupState('Reconciling')).toBe('CompletingRebalance');
    // The HTTP protocol cannot act for a classic member, nor the classic one for an HTTP member.
    await expectKafkaError(
      broker.groups.heartbeat({ groupId: group, memberId: c.memberId, memberEpoch: c.generation }),
      'UNKNOWN_MEMBER_ID',
    );
    await expectKafkaError(
      broker.groups.classicHeartbeat(group, { memberId: http.memberId, generationId: h3.memberEpoch }),
      'UNKNOWN_MEMBER_ID',
    );
    await expectKafkaError(broker.groups.heartbeat({ groupId: group, memberId: c.memberId, memberEpoch: -1 }), 'UNKNOWN_MEMBER_ID');

    // Offsets: the classic member commits what it owns at its generation; a stale generation is refused.
    const [mine] = toTopicPartitions(c.assignment);
    const commit = (generationId: number, memberId = c.memberId) =>
      broker.groups.commit({
        groupId: group,
        memberId,
        offsets: [{ topic: t, partition: mine.partitions[0], offset: 0 }],
        classic: { generationId },
      });
    await commit(c.generation);
    await expectKafkaError(commit(c.generation - 1), 'ILLEGAL_GENERATION');
    await expectKafkaError(commit(c.generation, 'nobody'), 'UNKNOWN_MEMBER_ID');
    // A simple consumer (generation -1, no member) may not commit while the group has members.
    await expectKafkaError(commit(-1, ''), 'UNKNOWN_MEMBER_ID');
    const offsets = await broker.groups.fetchOffsets(group, [t]);
    expect(offsets[0].partitions.map((p) => p.partition)).toEqual([mine.partitions[0]]);
  });

  it('a simple consumer (generation -1) commits to a group without members', async () => {
    const t = await topic(1);
    const group = uniqueName('g');
    await broker.groups.commit({
      groupId: group,
      memberId: '',
      offsets: [{ topic: t, partition: 0, offset: 0 }],
      classic: { generationId: -1 },
    });
    expect(await broker.groups.fetchOffsets(group)).toMatchObject([{ topic: t, partitions: [{ partition: 0, offset: 0 }] }]);
  });

  it('LeaveGroup frees the partitions at once, per member, by id or instance id', async () => {
    const t = await topic(4);
    const group = uniqueName('g');
    const a = new Client(broker, group, [t]);
    const b = new Client(broker, group, [t], { groupInstanceId: 'instance-b' });
    await a.join();
    await b.join();
    await settle([a, b], 4);
    const results = await broker.groups.classicLeave(group, [{ memberId: '', groupInstanceId: 'instance-b' }, { memberId: 'ghost' }]);
    expect(results.map((r) => [r.memberId, r.error?.kafkaName ?? null])).toEqual([
      [b.memberId, null],
      ['ghost', 'UNKNOWN_MEMBER_ID'],
    ]);
    b.assignment = [];
    expect(await a.beat()).toBe(true);
    expect(a.assignment).toHaveLength(4);
    await expectKafkaError(b.heartbeat(), 'UNKNOWN_MEMBER_ID');
    await broker.groups.classicLeave(group, [{ memberId: a.memberId }]);
    expect((await broker.groups.describe(group)).state).toBe('Empty');
    await expectKafkaError(broker.groups.classicLeave(uniqueName('none'), [{ memberId: 'x' }]), 'UNKNOWN_MEMBER_ID');
  });

  it('a restarted static member takes its place back without a rebalance; its old id is fenced', async () => {
    const t = await topic(4);
    const group = uniqueName('g');
    const a = new Client(broker, group, [t], { groupInstanceId: 'a-1' });
    const b = new Client(broker, group, [t]);
    await a.join();
    await b.join();
    await settle([a, b], 4);
    const before = { id: a.memberId, assignment: a.assignment, epoch: (await broker.groups.describe(group)).groupEpoch };
    // A replacement refused for its protocols leaves the predecessor in place.
    const odd = new Client(broker, group, [t], { groupInstanceId: 'a-1', protocols: ['other'] });
    await expectKafkaError(broker.groups.classicJoin(group, odd.joinRequest()), 'INCONSISTENT_GROUP_PROTOCOL');
    expect(await a.beat()).toBe(false);
    const restarted = new Client(broker, group, [t], { groupInstanceId: 'a-1' });
    await restarted.join();
    expect(restarted.memberId).not.toBe(before.id);
    expect(restarted.assignment).toEqual(before.assignment);
    expect((await broker.groups.describe(group)).groupEpoch).toBe(before.epoch);
    expect(await b.beat()).toBe(false);
    await expectKafkaError(a.heartbeat(), 'FENCED_INSTANCE_ID');
  });

  it('session and rebalance timeouts fence classic members through the expiry loop', async () => {
    const t = await topic(2);
    const group = uniqueName('g');
    const a = new Client(broker, group, [t], { sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000 });
    const b = new Client(broker, group, [t], { sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000 });
    await a.join();
    await b.join();
    await settle([a, b], 2);
    // B goes silent; A keeps heartbeating.
    clock += 6_000;
    await a.heartbeat();
    clock += 5_000;
    // Other tests' groups share the database and expire too: look at this one.
    const members = async () => (await broker.groups.describe(group)).members.map((m) => m.memberId);
    await broker.groups.expireSessions();
    expect(await members()).toEqual([a.memberId]);
    await expectKafkaError(b.heartbeat(), 'UNKNOWN_MEMBER_ID');
    // A is told to rejoin and never does: heartbeats keep its session, the rebalance timeout fences it.
    await expectKafkaError(a.heartbeat(), 'REBALANCE_IN_PROGRESS');
    for (let i = 0; i < 4; i++) {
      clock += 5_000;
      await expectKafkaError(a.heartbeat(), 'REBALANCE_IN_PROGRESS');
    }
    expect(await members()).toEqual([a.memberId]);
    clock += 1_000;
    await broker.groups.expireSessions();
    expect((await broker.groups.describe(group)).state).toBe('Empty');
    // A member that joins and never syncs is fenced after its rebalance timeout too.
    const c = new Client(broker, group, [t], { rebalanceTimeoutMs: 5_000 });
    const r = await broker.groups.classicJoin(group, { ...c.joinRequest(), requireKnownMemberId: false });
    clock += 5_000;
    await broker.groups.expireSessions();
    expect(await members()).toEqual([r.memberId]);
    clock += 1;
    await broker.groups.expireSessions();
    expect(await members()).toEqual([]);
    await expectKafkaError(broker.groups.classicSync(group, { memberId: r.memberId, generationId: r.generationId }), 'UNKNOWN_MEMBER_ID');
  });

  it('refuses a subscription userData above 64 KiB (it lives in the group row) and changes nothing', async () => {
    const t = await topic(1);
    const group = uniqueName('g');
    const base = new Client(broker, group, [t]).joinRequest();
    const huge = { ...base, subscription: { ...base.subscription, userData: new Uint8Array(MAX_USER_DATA_BYTES + 1) } };
    await expectKafkaError(broker.groups.classicJoin(group, huge), 'INVALID_REQUEST');
    expect((await broker.groups.classicDescribe([group]))[0].members).toHaveLength(0);
    const fits = { ...base, subscription: { ...base.subscription, userData: new Uint8Array(MAX_USER_DATA_BYTES) } };
    await broker.groups.classicJoin(group, fits);
  });

  it('refuses other protocol types and protocols the members have none of in common', async () => {
    const t = await topic(1);
    const group = uniqueName('g');
    const base = new Client(broker, group, [t]).joinRequest();
    await expectKafkaError(broker.groups.classicJoin(group, { ...base, protocolType: 'connect' }), 'INCONSISTENT_GROUP_PROTOCOL');
    const a = new Client(broker, group, [t], { protocols: ['range', 'roundrobin'] });
    await a.join();
    const b = new Client(broker, group, [t], { protocols: ['cooperative-sticky'] });
    await expectKafkaError(b.join(), 'INCONSISTENT_GROUP_PROTOCOL');
    const c = new Client(broker, group, [t], { protocols: ['sticky', 'roundrobin'] });
    await c.join();
    await expectKafkaError(
      broker.groups.classicSync(group, { memberId: c.memberId, generationId: c.generation, protocolName: 'sticky' }),
      'INCONSISTENT_GROUP_PROTOCOL',
    );
  });

  it('accepts an empty subscription (a pattern matching nothing yet) and a rebalance timeout of days', async () => {
    const t = await topic(2);
    const group = uniqueName('g');
    const idle = new Client(broker, group, []);
    await idle.join();
    expect(idle.assignment).toEqual([]);
    const busy = new Client(broker, group, [t], { rebalanceTimeoutMs: 2_147_483_647 });
    await busy.join();
    await settle([idle, busy], 2);
    expect(busy.assignment).toHaveLength(2);
    await expectKafkaError(broker.groups.classicJoin(group, { ...busy.joinRequest(), rebalanceTimeoutMs: -1 }), 'INVALID_REQUEST');
    await expectKafkaError(broker.groups.classicJoin(group, { ...busy.joinRequest(), sessionTimeoutMs: 10 }), 'INVALID_SESSION_TIMEOUT');
  });

  it('a cooperative member keeps what it owns across a rejoin and gives up only what it must', async () => {
    const t = await topic(4);
    const group = uniqueName('g');
    const coop = (c: Client) => () => ({
      ...Client.prototype.joinRequest.call(c),
      subscription: { version: 1, topics: [t], ownedPartitions: toTopicPartitions(c.assignment) },
    });
    const a = new Client(broker, group, [t]);
    a.joinRequest = coop(a);
    await a.join();
    a.assignment = flat((await broker.groups.describe(group)).members[0].assignment);
    expect(a.assignment).toHaveLength(4);
    const b = new Client(broker, group, [t]);
    await b.join();
    // A rejoins still owning all four: it keeps two, its generation stays until it lets the others go.
    const keep = a.assignment;
    a.join = async function (this: Client) {
      const r = await broker.groups.classicJoin(group, this.joinRequest());
      const s = await broker.groups.classicSync(group, { memberId: r.memberId, generationId: r.generationId });
      this.generation = r.generationId;
      this.assignment = flat(s.assignment);
    };
    a.assignment = keep;
    await expectKafkaError(a.heartbeat(), 'REBALANCE_IN_PROGRESS');
    await a.join();
    expect(a.assignment).toHaveLength(2);
    await settle([a, b], 4);
    expect((await broker.groups.describe(group)).state).toBe('Stable');
  });
});
