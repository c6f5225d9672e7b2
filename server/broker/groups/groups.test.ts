import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, postgresUrl, snapshotState, testBackends, uniqueName } from '@/db/testing';
import { type Broker, createBroker } from '@/server/broker';
import { maintainLogs } from '@/server/broker/log/maintenance';
import { expectKafkaError } from '@/server/broker/testing';
import { fromTopicPartitions, toTopicPartitions } from '@/server/kernel/topic-partition';
import type { HeartbeatResponse } from '.';

const enc = (s: string) => new TextEncoder().encode(s);
const flat = fromTopicPartitions;

/** A member that follows the protocol, and a check of "one owner per partition" on every response. */
class Members {
  readonly assignment = new Map<string, string[]>();
  readonly epoch = new Map<string, number>();
  constructor(private readonly groupId: string) {}

  private record(r: HeartbeatResponse) {
    if (r.memberEpoch === -1) this.assignment.delete(r.memberId);
    else this.assignment.set(r.memberId, flat(r.assignment));
    this.epoch.set(r.memberId, r.memberEpoch);
    const owners = new Map<string, string>();
    for (const [m, parts] of this.assignment) {
      for (const p of parts) {
        expect(owners.get(p), `${p} has two owners`).toBeUndefined();
        owners.set(p, m);
      }
    }
    return r;
  }

  async join(broker: Broker, topics: string[], extra: Record<string, unknown> = {}) {
    return this.record(await broker.groups.heartbeat({ groupId: this.groupId, memberEpoch: 0, topics, clientId: 'test', ...extra }));
  }

  async beat(broker: Broker, memberId: string) {
    const owned = this.assignment.get(memberId) ?? [];
    const ownedPartitions = toTopicPartitions(owned);
    return this.record(
      await broker.groups.heartbeat({
        groupId: this.groupId,
        memberId,
        memberEpoch: this.epoch.get(memberId)!,
        ownedPartitions,
      }),
    );
  }

  forget(memberId: string) {
    this.assignment.delete(memberId);
  }
}

const MULTI_TOPICS = [
  ['clickstream', 4],
  ['orders', 3],
  ['ab', 2],
] as const;

/**
 * Members subscribed to several topics (by base name; jsonb orders object keys by length, then bytes,
 * so "clickstream-…" sorts after "orders-…" there but not in JS) heartbeat through the given engines
 * until Stable, then five more rounds: the group epoch and every member epoch must stay put.
 */
async function expectMultiTopicGroupSettles(engines: Broker[], subscriptions: string[][]) {
  const suffix = uniqueName('').slice(1);
  const name = (t: string) => `${t}-${suffix}`;
  for (const [t, n] of MULTI_TOPICS) await engines[0].createTopic({ name: name(t), partitions: n });
  const group = uniqueName('g');
  const ms = new Members(group);
  const engine = (i: number) => engines[i % engines.length];
  const ids: string[] = [];
  for (const [i, topics] of subscriptions.entries()) ids.push((await ms.join(engine(i), topics.map(name))).memberId);
  const round = (r: number) => Promise.all(ids.map((id, i) => ms.beat(engine(i + r), id)));
  let r = 0;
  while ((await engine(r).groups.describe(group)).state !== 'Stable' && r < 10) await round(r++);
  const settled = await engine(r).groups.describe(group);
  expect(settled.state).toBe('Stable');
  for (let more = 0; more < 5; more++) {
    await round(r++);
    const d = await engine(more).groups.describe(group);
    expect(d.state).toBe('Stable');
    expect(d.groupEpoch, `group epoch ${more + 1} round(s) after Stable`).toBe(settled.groupEpoch);
    expect(d.members.map((m) => m.memberEpoch)).toEqual(settled.members.map((m) => m.memberEpoch));
  }
  const subscribed = new Set(subscriptions.flat());
  const total = MULTI_TOPICS.filter(([t]) => subscribed.has(t)).reduce((n, [, c]) => n + c, 0);
  expect(settled.members.reduce((n, m) => n + flat(m.assignment).length, 0)).toBe(total);
}

describe.each(testBackends())('consumer groups on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  let clock = Date.now();
  beforeAll(async () => {
    db = await openTestDatabase(backend);
    broker = createBroker(db, { now: () => clock });
  });
  afterAll(async () => {
    await broker?.close();
    await db?.close();
  });

  it('3 members on a 6-partition topic end Stable with 2 each; a 4th on a 3-partition topic gets none and describe says so', async () => {
    const topic = uniqueName('orders');
    await broker.createTopic({ name: topic, partitions: 6 });
    const group = uniqueName('g');
    const ms = new Members(group);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await ms.join(broker, [topic])).memberId);
    for (let round = 0; round < 3; round++) for (const id of ids) await ms.beat(broker, id);
    const d = await broker.groups.describe(group);
    expect(d.state).toBe('Stable');
    expect(d.members.map((m) => flat(m.assignment).length)).toEqual([2, 2, 2]);

    const small = uniqueName('small');
    await broker.createTopic({ name: small, partitions: 3 });
    const group2 = uniqueName('g');
    const ms2 = new Members(group2);
    const four: string[] = [];
    for (let i = 0; i < 4; i++) four.push((await ms2.join(broker, [small])).memberId);
    for (let round = 0; round < 3; round++) for (const id of four) await ms2.beat(broker, id);
    const d2 = await broker.groups.describe(group2);
    expect(d2.state).toBe('Stable');
    expect(d2.members.map((m) => flat(m.assignment).length).sort()).toEqual([0, 1, 1, 1]);
    const idle = d2.members.find((m) => m.assignment.length === 0)!;
    expect(idle.note).toMatch(/4 members for 3 partition/);
  });

  it('2 members subscribed to two topics (names in either order) settle, and the epoch stops rising', async () => {
    await expectMultiTopicGroupSettles(
      [broker],
      [
        ['clickstream', 'orders'],
        ['orders', 'clickstream'],
      ],
    );
  });

  it('a member whose heartbeats stop loses its partitions after the session timeout (fenced by the expiry loop)', async () => {
    const topic = uniqueName('t');
    await broker.createTopic({ name: topic, partitions: 4 });
    const group = uniqueName('g');
    const ms = new Members(group);
    const a = (await ms.join(broker, [topic], { sessionTimeoutMs: 3000 })).memberId;
    const b = (await ms.join(broker, [topic])).memberId;
    for (let r = 0; r < 3; r++) for (const id of [a, b]) await ms.beat(broker, id);
    expect(ms.assignment.get(b)).toHaveLength(2);
    ms.forget(b); // b crashes
    clock += 2000;
    await ms.beat(broker, a);
    expect(ms.assignment.get(a)).toHaveLength(2);
    clock += 2000; // b silent for 4 s > 3 s
    expect(await broker.groups.expireSessions()).toBe(1);
    await ms.beat(broker, a);
    expect(ms.assignment.get(a)).toHaveLength(4);
    await expectKafkaError(broker.groups.heartbeat({ groupId: group, memberId: b, memberEpoch: 1 }), 'UNKNOWN_MEMBER_ID');
  });

  it("commits: the owner's are accepted, a fenced member's rejected; offsets of an active group cannot be reset", async () => {
    const topic = uniqueName('c');
    await broker.createTopic({ name: topic, partitions: 2 });
    await broker.produce(
      topic,
      Array.from({ length: 20 }, (_, i) => ({ value: enc(`v${i}`), partition: i % 2 })),
    );
    const group = uniqueName('g');
    const ms = new Members(group);
    const a = (await ms.join(broker, [topic], { sessionTimeoutMs: 3000 })).memberId;
    const [p0] = ms.assignment.get(a)!;
    expect(p0).toBe(`${topic}:0`);
    await broker.groups.commit({
      groupId: group,
      memberId: a,
      memberEpoch: ms.epoch.get(a)!,
      offsets: [{ topic, partition: 0, offset: 4 }],
    });
    expect(await broker.groups.fetchOffsets(group)).toEqual([
      { topic, partitions: [{ partition: 0, offset: 4, metadata: '', committedAt: clock }] },
    ]);

    const before = await snapshotState(db);
    await expectKafkaError(broker.groups.resetOffsets({ groupId: group, topic, to: 'earliest' }), 'NON_EMPTY_GROUP');
    await expectKafkaError(broker.groups.delete(group), 'NON_EMPTY_GROUP');
    await expectKafkaError(broker.groups.commit({ groupId: group, offsets: [{ topic, partition: 0, offset: 9 }] }), 'UNKNOWN_MEMBER_ID');
    await expectKafkaError(
      broker.groups.commit({ groupId: group, memberId: a, memberEpoch: 999, offsets: [{ topic, partition: 0, offset: 9 }] }),
      'FENCED_MEMBER_EPOCH',
    );
    expect(await snapshotState(db)).toBe(before);

    clock += 5000; // a is now a zombie
    await expectKafkaError(
      broker.groups.commit({ groupId: group, memberId: a, memberEpoch: ms.epoch.get(a)!, offsets: [{ topic, partition: 0, offset: 9 }] }),
      'UNKNOWN_MEMBER_ID',
    );
    expect((await broker.groups.fetchOffsets(group))[0].partitions[0].offset).toBe(4);

    // Now empty: a dry run shows the positions, a real reset moves them.
    const dry = await broker.groups.resetOffsets({ groupId: group, topic, to: 'latest', dryRun: true });
    expect(dry).toEqual([
      { topic, partition: 0, previousOffset: 4, newOffset: 10 },
      { topic, partition: 1, previousOffset: null, newOffset: 10 },
    ]);
    expect((await broker.groups.fetchOffsets(group))[0].partitions).toHaveLength(1);
    await broker.groups.resetOffsets({ groupId: group, topic, to: { offset: 7 } });
    expect((await broker.groups.fetchOffsets(group))[0].partitions.map((p) => p.offset)).toEqual([7, 7]);
    await broker.groups.resetOffsets({ groupId: group, topic, partitions: [1], to: { offset: 99 } }); // clamped to the log
    expect((await broker.groups.fetchOffsets(group))[0].partitions.map((p) => p.offset)).toEqual([7, 10]);
    expect((await broker.groups.describe(group)).state).toBe('Empty');
    expect(await broker.groups.deleteOffsets({ groupId: group, topic, partitions: [1] })).toBe(1);
    await broker.groups.delete(group);
    await expectKafkaError(broker.groups.describe(group), 'GROUP_ID_NOT_FOUND');
  });

  it('a previewed offset that retention has since dropped is refused, not applied out of range', async () => {
    const topic = uniqueName('stale-preview');
    await broker.createTopic({ name: topic, partitions: 1, configs: { 'segment.records': 10, 'retention.bytes': 250 } });
    await broker.produce(
      topic,
      Array.from({ length: 40 }, (_, i) => ({ value: enc(`r${String(i).padStart(9, '0')}`) })),
    );
    const group = uniqueName('g');
    const preview = await broker.groups.resetOffsets({ groupId: group, topic, to: 'earliest', dryRun: true });
    expect(preview[0].newOffset).toBe(0);
    await maintainLogs(db, Date.now(), [topic]); // retention drops the first segment: the log now starts at 10
    expect((await broker.describeTopic(topic)).partitionDetails[0].logStartOffset).toBe(10);
    const before = await snapshotState(db);
    await expectKafkaError(
      broker.groups.resetOffsets({ groupId: group, topic, to: { offsets: [{ partition: 0, offset: 0 }] } }),
      'OFFSET_OUT_OF_RANGE',
    );
    expect(await snapshotState(db)).toBe(before);
  });

  it('reset to explicit offsets (what a dry run showed) applies exactly them; bad ones change nothing', async () => {
    const topic = uniqueName('exact');
    await broker.createTopic({ name: topic, partitions: 3 });
    await broker.produce(
      topic,
      Array.from({ length: 30 }, (_, i) => ({ value: enc(`v${i}`), partition: i % 3 })),
    );
    const group = uniqueName('g');
    const preview = await broker.groups.resetOffsets({ groupId: group, topic, to: 'latest', dryRun: true });
    expect(preview.map((r) => r.newOffset)).toEqual([10, 10, 10]);
    // More records arrive between the preview and Apply: "latest" would now mean 15; the preview said 10.
    await broker.produce(
      topic,
      Array.from({ length: 15 }, (_, i) => ({ value: enc(`w${i}`), partition: i % 3 })),
    );
    const offsets = preview.map((r) => ({ partition: r.partition, offset: r.newOffset }));
    expect(await broker.groups.resetOffsets({ groupId: group, topic, to: { offsets } })).toEqual(preview);
    expect((await broker.groups.fetchOffsets(group))[0].partitions.map((p) => p.offset)).toEqual([10, 10, 10]);
    const some = await broker.groups.resetOffsets({ groupId: group, topic, to: { offsets: [{ partition: 2, offset: 3 }] }, dryRun: true });
    expect(some).toEqual([{ topic, partition: 2, previousOffset: 10, newOffset: 3 }]);

    const before = await snapshotState(db);
    const bad = [
      [{ offsets: [{ partition: 0, offset: 16 }] }, 'OFFSET_OUT_OF_RANGE'],
      [{ offsets: [{ partition: 7, offset: 1 }] }, 'UNKNOWN_TOPIC_OR_PARTITION'],
      [
        {
          offsets: [
            { partition: 0, offset: 1 },
            { partition: 0, offset: 2 },
          ],
        },
        'INVALID_REQUEST',
      ],
      [{ offsets: [{ partition: 0, offset: -1 }] }, 'INVALID_REQUEST'],
      [{ offsets: [{ partition: 0, offset: 1.5 }] }, 'INVALID_REQUEST'],
      [{ offsets: [] }, 'INVALID_REQUEST'],
      [{ timestamp: Number.NaN }, 'INVALID_TIMESTAMP'],
      [{ timestamp: -1 }, 'INVALID_TIMESTAMP'],
    ] as const;
    for (const [to, name] of bad) await expectKafkaError(broker.groups.resetOffsets({ groupId: group, topic, to }), name);
    await expectKafkaError(
      broker.groups.resetOffsets({ groupId: group, topic, partitions: [1], to: { offsets: [{ partition: 0, offset: 1 }] } }),
      'INVALID_REQUEST',
    );
    // Still only while the group is empty.
    const ms = new Members(group);
    await ms.join(broker, [topic]);
    await expectKafkaError(broker.groups.resetOffsets({ groupId: group, topic, to: { offsets } }), 'NON_EMPTY_GROUP');
    const after = JSON.parse(await snapshotState(db));
    after.groups = JSON.parse(before).groups; // the join changed the group row, nothing else may change
    expect(JSON.stringify(after)).toBe(before);
  });

  it('lag: per partition, sum and max; Burrow status; lag over time with rates and time to clear', async () => {
    const topic = uniqueName('lag');
    await broker.createTopic({ name: topic, partitions: 2 });
    await broker.produce(
      topic,
      Array.from({ length: 100 }, (_, i) => ({ value: enc(`v${i}`), partition: 0 })),
    );
    await broker.produce(
      topic,
      Array.from({ length: 30 }, (_, i) => ({ value: enc(`w${i}`), partition: 1 })),
    );
    const group = uniqueName('g');
    await broker.groups.commit({
      groupId: group,
      offsets: [
        { topic, partition: 0, offset: 40 },
        { topic, partition: 1, offset: 30 },
      ],
    });
    let lag = await broker.groups.lag(group);
    expect(lag).toMatchObject({ totalLag: 60, maxLag: 60, maxLagTopic: topic, maxLagPartition: 0, status: 'OK' });
    expect(lag.partitions.map((p) => [p.partition, p.committedOffset, p.logEndOffset, p.lag])).toEqual([
      [0, 40, 100, 60],
      [1, 30, 30, 0],
    ]);

    // Samples every 10 s while the consumer drains 20 records per 10 s and nothing new arrives.
    const t0 = clock;
    for (let i = 0; i < 4; i++) {
      clock = t0 + i * 10_000;
      if (i > 0) await broker.groups.commit({ groupId: group, offsets: [{ topic, partition: 0, offset: 40 + i * 20 }] });
      expect(await broker.stats.sample().then((r) => r.lag)).toBeGreaterThanOrEqual(2); // (other files' groups share a server database)
    }
    expect(await broker.stats.sample().then((r) => r.lag)).toBe(0); // the same slot is never sampled twice
    const history = await broker.groups.lagHistory(group, t0 - 10_000);
    expect(history.points.map((p) => p.totalLag)).toEqual([60, 40, 20, 0]);
    const p0 = history.partitions.find((p) => p.partition === 0)!;
    expect(p0.consumeRate).toBeCloseTo(2, 5); // 60 records in 30 s
    expect(p0.timeToClearMs).toBe(0); // caught up
    lag = await broker.groups.lag(group);
    expect(lag.totalLag).toBe(0);

    // Now the producer outpaces the consumer: lag grows while commits continue -> WARN, once the
    // caught-up commits have left the 10-commit window.
    for (let i = 0; i < 10; i++) {
      clock += 10_000;
      await broker.produce(
        topic,
        Array.from({ length: 30 }, () => ({ value: enc('x'), partition: 0 })),
      );
      const committed = (await broker.groups.fetchOffsets(group))[0].partitions[0].offset;
      await broker.groups.commit({ groupId: group, offsets: [{ topic, partition: 0, offset: committed + 10 }] });
      await broker.stats.sample().then((r) => r.lag);
    }
    lag = await broker.groups.lag(group);
    expect(lag.partitions[0].status).toBe('WARN');
    expect(lag.status).toBe('WARN');
    const growing = await broker.groups.lagHistory(group, clock - 35_000);
    expect(growing.partitions[0].timeToClearMs).toBeNull(); // not draining
    // Nobody commits for a long while: STOP, and the group is ERR.
    clock += 10 * 60_000;
    lag = await broker.groups.lag(group);
    expect(lag.partitions[0].status).toBe('STOP');
    expect(lag.status).toBe('ERR');
    expect((await broker.groups.list()).find((g) => g.groupId === group)).toMatchObject({
      state: 'Empty',
      status: 'ERR',
      totalLag: lag.totalLag,
    });
  });

  it('a group whose members left consumes at 0/s and never clears; its time lag is measured, not extrapolated', async () => {
    const topic = uniqueName('stop');
    await broker.createTopic({ name: topic, partitions: 2 });
    const burstAt = clock; // a backlog written before any sample was taken
    await broker.produce(
      topic,
      Array.from({ length: 1000 }, (_, i) => ({ value: enc(`b${i}`), partition: 0 })),
    );
    await broker.produce(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ value: enc(`c${i}`), partition: 1 })),
    );
    const group = uniqueName('g');
    const ms = new Members(group);
    const a = (await ms.join(broker, [topic])).memberId;
    // Every 10 s: 50 new records on partition 0, the member commits 100 further on (10/s against 5/s).
    for (let i = 1; i <= 6; i++) {
      clock += 10_000;
      await broker.produce(
        topic,
        Array.from({ length: 50 }, () => ({ value: enc('x'), partition: 0 })),
      );
      await ms.beat(broker, a);
      const offsets = [
        { topic, partition: 0, offset: i * 100 },
        { topic, partition: 1, offset: 10 },
      ];
      await broker.groups.commit({ groupId: group, memberId: a, memberEpoch: ms.epoch.get(a)!, offsets });
      await broker.stats.sample();
    }
    const running = await broker.groups.lagHistory(group, clock - 60_000);
    expect(running.partitions[0].consumeRate).toBeCloseTo(10, 5);
    expect(running.partitions[0]).toMatchObject({ lag: 700, timeToClearMs: 140_000 });
    expect(running.partitions[1]).toMatchObject({ lag: 0, timeToClearMs: 0 });

    clock += 2_000;
    await broker.groups.heartbeat({ groupId: group, memberId: a, memberEpoch: -1 });
    const stopped = await broker.groups.lagHistory(group, clock - 60_000);
    expect(stopped.consumeRate).toBe(0);
    expect(stopped.timeToClearMs).toBeNull();
    expect(running.partitions.map((p) => p.progress)).toEqual(['clearing', 'caught-up']);
    expect(stopped.partitions.map((p) => [p.partition, p.consumeRate, p.progress, p.timeToClearMs])).toEqual([
      [0, 0, 'stopped', null],
      [1, 0, 'caught-up', 0],
    ]);
    expect(stopped).toMatchObject({ consumeRate: 0, progress: 'stopped', timeToClearMs: null });

    // Offset 600 was written in the backlog: its time lag is its age, and grows with the clock.
    let d = await broker.groups.describe(group);
    expect(d.lag.partitions[0].lagSeconds).toBeCloseTo((clock - burstAt) / 1000, 3);
    expect(d.lag.partitions[1].lagSeconds).toBe(0);
    clock += 60_000;
    d = await broker.groups.describe(group);
    expect(d.lag.partitions[0].lagSeconds).toBeCloseTo((clock - burstAt) / 1000, 3);
    expect((await broker.groups.lagHistory(group, clock - 60_000)).partitions[0]).toMatchObject({ consumeRate: 0, progress: 'stopped' });
  });

  it('drops whole hour partitions of lag samples past the retention', async () => {
    const hours = await db.query<{ relname: string }>(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'lag_samples'::regclass`,
    );
    expect(hours.length).toBeGreaterThan(0);
    const saved = clock;
    clock += 3 * 24 * 3_600_000;
    expect(await broker.stats.dropOld()).toBeGreaterThanOrEqual(hours.length - 2);
    clock = saved;
  });

  it.each([
    ['describe of an unknown group', (b: Broker) => b.groups.describe('no-such-group-anywhere'), 'GROUP_ID_NOT_FOUND'],
    ['an empty group id', (b: Broker) => b.groups.heartbeat({ groupId: '  ', memberEpoch: 0, topics: ['t'] }), 'INVALID_GROUP_ID'],
    [
      'a negative offset',
      (b: Broker) => b.groups.commit({ groupId: 'bad-input', offsets: [{ topic: 'x', partition: 0, offset: -5 }] }),
      'INVALID_REQUEST',
    ],
    [
      'a commit for an unknown topic',
      (b: Broker) => b.groups.commit({ groupId: 'bad-input', offsets: [{ topic: 'no-such-topic', partition: 0, offset: 1 }] }),
      'UNKNOWN_TOPIC_OR_PARTITION',
    ],
    ['a heartbeat without a member id', (b: Broker) => b.groups.heartbeat({ groupId: 'bad-input', memberEpoch: 3 }), 'UNKNOWN_MEMBER_ID'],
    ['joining without topics', (b: Broker) => b.groups.heartbeat({ groupId: 'bad-input', memberEpoch: 0, topics: [] }), 'INVALID_REQUEST'],
  ] as const)('rejects %s clearly and changes nothing', async (_label, call, name) => {
    const before = await snapshotState(db);
    await expectKafkaError(call(broker), name);
    expect(await snapshotState(db)).toBe(before);
  });
});

describe.skipIf(!postgresUrl())('two Brook engines share one group', () => {
  it('members heartbeating through either engine, concurrently, never share a partition and converge', async () => {
    const [dbA, dbB] = [await openTestDatabase('postgres', 4), await openTestDatabase('postgres', 4)];
    const [A, B] = [createBroker(dbA), createBroker(dbB)];
    try {
      const topic = uniqueName('shared');
      await A.createTopic({ name: topic, partitions: 12 });
      const group = uniqueName('g');
      const ms = new Members(group);
      const engines = [A, B];
      const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => ms.join(engines[i % 2], [topic]).then((r) => r.memberId)));
      for (let round = 0; round < 6; round++) {
        await Promise.all(ids.map((id, i) => ms.beat(engines[(i + round) % 2], id)));
      }
      const d = await B.groups.describe(group);
      expect(d.state).toBe('Stable');
      expect(d.members.map((m) => flat(m.assignment).length)).toEqual([2, 2, 2, 2, 2, 2]);
      // One leaves through A; the rest pick its partitions up through B.
      await ms.beat(A, ids[0]);
      const left = await A.groups.heartbeat({ groupId: group, memberId: ids[0], memberEpoch: ms.epoch.get(ids[0])!, ownedPartitions: [] });
      expect(left.memberEpoch).toBeGreaterThan(0);
      ms.forget(ids[0]);
      await A.groups.heartbeat({ groupId: group, memberId: ids[0], memberEpoch: -1 });
      for (let round = 0; round < 3; round++) await Promise.all(ids.slice(1).map((id, i) => ms.beat(engines[i % 2], id)));
      const after = await A.groups.describe(group);
      expect(after.state).toBe('Stable');
      expect(after.members.reduce((n, m) => n + flat(m.assignment).length, 0)).toBe(12);
    } finally {
      await A.close();
      await B.close();
      await dbA.close();
      await dbB.close();
    }
  });

  it.each([
    [
      '2 members, both topics, names in either order',
      [
        ['clickstream', 'orders'],
        ['orders', 'clickstream'],
      ],
    ],
    ['1 member, both topics', [['orders', 'clickstream']]],
    ['3 members with different subscriptions', [['orders', 'clickstream', 'ab'], ['clickstream'], ['ab', 'orders']]],
  ])('a multi-topic group through both engines settles and its epoch stops rising: %s', async (_label, subscriptions) => {
    const [dbA, dbB] = [await openTestDatabase('postgres', 4), await openTestDatabase('postgres', 4)];
    const [A, B] = [createBroker(dbA), createBroker(dbB)];
    try {
      await expectMultiTopicGroupSettles([A, B], subscriptions);
    } finally {
      await A.close();
      await B.close();
      await dbA.close();
      await dbB.close();
    }
  });
});
