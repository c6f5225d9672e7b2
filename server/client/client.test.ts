import { afterAll, describe, expect, it, vi } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import { testApiServer } from '@/server/api/test-server';
import type { Broker } from '@/server/broker';
import { sleep, until as waitUntil } from '@/server/broker/testing';
import { tpKey } from '@/server/kernel/topic-partition';
import { Brook, type Consumer, isBrookError } from '.';

const until = (cond: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition') => waitUntil(cond, what, timeoutMs);

describe.each(testBackends())('client library over HTTP on %s', (backend) => {
  let broker: Broker;
  const server = { url: '' };
  const consumers: Consumer[] = [];
  testApiServer(backend, (env) => {
    broker = env.broker;
    server.url = env.url;
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => {})));
  });

  it('produces and consumes with kafkajs-style calls: keys, binary values, headers, commits', async () => {
    const brook = new Brook({ url: server.url, clientId: 'test-app' });
    const admin = brook.admin();
    const topic = uniqueName('orders');
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })).toBe(false);
    const producer = brook.producer();
    const sent = await producer.send({
      topic,
      messages: [
        { key: 'user-1', value: JSON.stringify({ n: 1 }), headers: { source: 'test', tag: ['a', 'b'] } },
        { key: Buffer.from([0, 1, 2]), value: Buffer.from([255, 254]) },
        { value: null, partition: 2 },
      ],
    });
    expect(sent).toHaveLength(3);
    expect(sent[2]).toMatchObject({ topicName: topic, partition: 2 });
    expect(sent.every((r) => /^\d+$/.test(r.offset))).toBe(true);

    const groupId = uniqueName('g');
    const consumer = brook.consumer({ groupId, sessionTimeout: 5000, heartbeatInterval: 500 });
    consumers.push(consumer);
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const seen: Array<{ key: Buffer | null; value: Buffer | null; headers: Record<string, unknown> }> = [];
    await consumer.run({ autoCommitInterval: 200, eachMessage: async ({ message }) => void seen.push(message) });
    await until(() => seen.length === 3, 20_000, 'three messages');
    const json = seen.find((m) => m.key?.toString() === 'user-1')!;
    expect(JSON.parse(json.value!.toString())).toEqual({ n: 1 });
    expect((json.headers.source as Buffer).toString()).toBe('test');
    expect((json.headers.tag as Buffer[]).map(String)).toEqual(['a', 'b']);
    expect([...seen.find((m) => m.key?.length === 3)!.value!]).toEqual([255, 254]);
    expect(seen.some((m) => m.value === null)).toBe(true);
    await until(
      async () => {
        const lag = await broker.groups.lag(groupId);
        return lag.partitions.length === 3 && lag.totalLag === 0;
      },
      10_000,
      'commits',
    );
    await consumer.disconnect();
    expect((await broker.groups.describe(groupId)).state).toBe('Empty');
  });

  it('at least once across rebalances: members join, leave and drop off the network while a producer runs', async () => {
    const topic = uniqueName('stream');
    await broker.createTopic({ name: topic, partitions: 6 });
    const groupId = uniqueName('g');
    const total = 1500;

    // Every processing of every record, by whom; and every commit, by whom.
    const processed: Array<{ id: number; key: string; offset: number; by: string }> = [];
    const commits: Array<{ by: string; key: string; offset: number }> = [];
    const make = (name: string, opts: { partitioned?: { on: boolean } } = {}) => {
      const net = opts.partitioned;
      const brook = new Brook({
        url: server.url,
        clientId: name,
        fetch: (input, init) => (net?.on ? Promise.reject(new Error('network down')) : fetch(input, init)),
      });
      const c = brook.consumer({ groupId, sessionTimeout: 2000, heartbeatInterval: 200, maxRecords: 50 });
      consumers.push(c);
      c.on(c.events.COMMIT_OFFSETS, ({ payload }) => {
        for (const t of payload.topics)
          for (const p of t.partitions) commits.push({ by: name, key: tpKey(t.topic, p.partition), offset: Number(p.offset) });
      });
      return {
        c,
        start: async () => {
          await c.subscribe({ topics: [topic], fromBeginning: true });
          await c.run({
            autoCommitInterval: 150,
            eachMessage: async ({ partition, message }) => {
              processed.push({
                id: Number(message.value!.toString()),
                key: tpKey(topic, partition),
                offset: Number(message.offset),
                by: name,
              });
              await sleep(2);
            },
          });
        },
      };
    };

    const producing = (async () => {
      const producer = new Brook({ url: server.url }).producer();
      for (let i = 0; i < total; i += 25) {
        await producer.send({ topic, messages: Array.from({ length: 25 }, (_, j) => ({ key: `k${i + j}`, value: String(i + j) })) });
        await sleep(15);
      }
    })();

    const a = make('a');
    await a.start();
    await sleep(400);
    const b = make('b');
    await b.start();
    const net = { on: false };
    const zombie = make('zombie', { partitioned: net });
    await zombie.start();
    await sleep(800);
    await a.c.disconnect(); // a leaves cleanly
    net.on = true; // the zombie drops off the network: it stops hearing from the broker, and is fenced
    await sleep(600);
    const d = make('d');
    await d.start();
    await producing;
    await until(() => new Set(processed.map((p) => p.id)).size === total, 30_000, 'every record processed');

    // Every produced record was processed at least once.
    expect(new Set(processed.map((p) => p.id)).size).toBe(total);
    // A record processed twice was first processed by a member that never committed past it.
    const first = new Map<number, (typeof processed)[number]>();
    let duplicates = 0;
    for (const p of processed) {
      const earlier = first.get(p.id);
      if (!earlier) {
        first.set(p.id, p);
        continue;
      }
      duplicates++;
      const committedPast = commits.some((c) => c.by === earlier.by && c.key === earlier.key && c.offset > earlier.offset);
      expect(committedPast, `record ${p.id} at ${p.key}@${p.offset} redone after ${earlier.by} had committed past it`).toBe(false);
      expect(['a', 'zombie', 'b', 'd']).toContain(earlier.by);
    }
    console.log(`[${backend}] ${processed.length} processings of ${total} records, ${duplicates} duplicates`);
    const d2 = await broker.groups.describe(groupId);
    expect(d2.members.map((m) => m.clientId).sort()).toEqual(['b', 'd']);
  });

  it('pause/resume and seek', async () => {
    const topic = uniqueName('seek');
    await broker.createTopic({ name: topic, partitions: 1 });
    await broker.produce(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ value: new TextEncoder().encode(String(i)), partition: 0 })),
    );
    const brook = new Brook({ url: server.url });
    const c = brook.consumer({ groupId: uniqueName('g'), heartbeatInterval: 200 });
    consumers.push(c);
    const seen: number[] = [];
    await c.subscribe({ topics: [topic], fromBeginning: true });
    await c.run({ eachMessage: async ({ message }) => void seen.push(Number(message.value!.toString())) });
    await until(() => seen.length === 10, 10_000, 'first pass');
    c.pause([{ topic }]);
    await broker.produce(topic, [{ value: new TextEncoder().encode('10'), partition: 0 }]);
    await sleep(700);
    expect(seen).toHaveLength(10);
    c.seek({ topic, partition: 0, offset: 5 });
    c.resume([{ topic }]);
    await until(() => seen.length === 16, 10_000, 'after seek');
    expect(seen.slice(10)).toEqual([5, 6, 7, 8, 9, 10]);
    await c.disconnect();
  });

  it('reports its life as typed events, and never swallows an error: unhandled ones are logged with the group id', async () => {
    const topic = uniqueName('events');
    await broker.createTopic({ name: topic, partitions: 1 });
    await broker.produce(
      topic,
      ['boom', 'ok'].map((v) => ({ value: new TextEncoder().encode(v), partition: 0 })),
    );
    const groupId = uniqueName('g');
    const c = new Brook({ url: server.url }).consumer({ groupId, heartbeatInterval: 200, retryBackoffMs: 20 });
    consumers.push(c);
    expect(() => c.on('error' as never, () => {})).toThrow(/unknown consumer event "error"/);
    const types: string[] = [];
    for (const name of Object.values(c.events)) if (name !== c.events.CRASH) c.on(name, (e) => types.push(e.type));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      let failures = 0;
      const done: string[] = [];
      await c.subscribe({ topics: [topic], fromBeginning: true });
      await c.run({
        autoCommitInterval: 100,
        eachMessage: async ({ message }) => {
          // Fails twice on the first record, then succeeds: the record is retried, never skipped.
          if (message.value?.toString() === 'boom' && failures++ < 2) throw new Error('handler failed');
          done.push(String(message.value));
        },
      });
      await until(() => done.length === 2 && types.includes(c.events.COMMIT_OFFSETS), 10_000, 'both records and a commit');
      await c.disconnect();
      expect(done).toEqual(['boom', 'ok']);
      const ours = logged.mock.calls.map((args) => String(args[0])).filter((line) => line.includes(groupId));
      expect(ours).toEqual([`[brook] consumer group ${groupId}: Error: handler failed (listen for consumer.events.CRASH to handle it)`]);
    } finally {
      logged.mockRestore();
    }
    const { GROUP_JOIN, HEARTBEAT, REBALANCING, PARTITIONS_ASSIGNED, FETCH, START_BATCH_PROCESS, END_BATCH_PROCESS } = c.events;
    for (const t of [GROUP_JOIN, HEARTBEAT, REBALANCING, PARTITIONS_ASSIGNED, FETCH, START_BATCH_PROCESS, END_BATCH_PROCESS])
      expect(types).toContain(t);
    expect(types.slice(-2)).toEqual([c.events.STOP, c.events.DISCONNECT]);
  });

  it('errors carry Kafka names', async () => {
    const brook = new Brook({ url: server.url });
    const err = await brook
      .producer()
      .send({ topic: 'no-such-topic-here', messages: [{ value: 'x' }] })
      .catch((e) => e);
    expect(isBrookError(err, 'UNKNOWN_TOPIC_OR_PARTITION')).toBe(true);
    expect(err.httpStatus).toBe(404);
  });
});
