import { afterEach, describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import { testApiServer } from '@/server/api/test-server';
import type { Broker } from '@/server/broker';
import { sleep } from '@/server/broker/testing';
import { Brook, isBrookError, type RecordMetadata } from '.';

const text = new TextDecoder();

describe.each(testBackends())('pipelined producer over HTTP on %s', (backend) => {
  let broker: Broker;
  const server = { url: '' };
  testApiServer(backend, (env) => {
    broker = env.broker;
    server.url = env.url;
  });

  /**
   * Watches produce requests where the broker receives them: how many run at once, and which
   * partitions each touches. `delay` holds each one a random while, so requests on different sockets
   * finish (and would commit) in any order.
   */
  let restore: (() => void) | null = null;
  const watchProduce = (delay: () => number) => {
    const stats = { active: 0, maxActive: 0, requests: 0, overlaps: 0 };
    const activePartitions = new Map<string, number>();
    const original = broker.produce;
    broker.produce = async (topic, records) => {
      const touched = [...new Set(records.map((r) => `${topic}/${r.partition}`))];
      for (const k of touched) {
        if (activePartitions.get(k)) stats.overlaps++;
        activePartitions.set(k, (activePartitions.get(k) ?? 0) + 1);
      }
      stats.requests++;
      stats.maxActive = Math.max(stats.maxActive, ++stats.active);
      try {
        await sleep(delay());
        return await original.call(broker, topic, records);
      } finally {
        stats.active--;
        for (const k of touched) activePartitions.set(k, activePartitions.get(k)! - 1);
      }
    };
    restore = () => {
      broker.produce = original;
    };
    return stats;
  };
  afterEach(() => {
    restore?.();
    restore = null;
  });

  const readAll = async (topic: string, partition: number) => {
    const { records } = await broker.fetch({ topic, partition, offset: 0, maxRecords: 10_000 });
    return records.map((r) => ({ offset: r.offset, key: text.decode(r.key!), value: text.decode(r.value!) }));
  };

  it('keeps order per partition under concurrency: dense offsets, each key in send order, offsets as answered', async () => {
    const topic = uniqueName('order');
    await broker.createTopic({ name: topic, partitions: 6 });
    const stats = watchProduce(() => Math.random() * 12);
    const producer = new Brook({ url: server.url }).producer({ lingerMs: 2, maxInFlightRequests: 5, batchSize: 2_000 });
    const keys = Array.from({ length: 30 }, (_, i) => `key-${i}`);
    const sends: Array<Promise<RecordMetadata[]>> = [];
    const sent: Array<{ key: string; value: string }> = [];
    for (let round = 0; round < 20; round++) {
      for (const key of keys) {
        const value = `${key}#${round}`;
        sent.push({ key, value });
        sends.push(producer.send({ topic, messages: [{ key, value }] }));
      }
      if (round % 5 === 4) await sleep(5); // some sends find requests in flight, some do not
    }
    const answers = (await Promise.all(sends)).map((a) => a[0]);
    expect(stats.requests).toBeGreaterThan(5); // several requests, many of them at once
    expect(stats.maxActive).toBeGreaterThan(1);
    expect(stats.overlaps).toBe(0); // never two requests in flight on one partition

    const byOffset = new Map<string, string>();
    for (let p = 0; p < 6; p++) {
      const log = await readAll(topic, p);
      expect(log.map((r) => r.offset)).toEqual(log.map((_, i) => i)); // dense from 0
      for (const r of log) byOffset.set(`${p}@${r.offset}`, r.value);
      // Each key's records are in the order they were sent.
      for (const key of new Set(log.map((r) => r.key))) {
        const rounds = log.filter((r) => r.key === key).map((r) => Number(r.value.split('#')[1]));
        expect(rounds).toEqual(rounds.map((_, i) => i));
      }
    }
    expect(byOffset.size).toBe(sent.length);
    // Every send was told where its record went, and it went there; keys land where the broker puts them.
    answers.forEach((a, i) => {
      expect(byOffset.get(`${a.partition}@${a.offset}`)).toBe(sent[i].value);
    });
    const plain = await broker.produce(topic, [{ key: new TextEncoder().encode('key-7'), value: null }]);
    expect(plain[0].partition).toBe(answers[sent.findIndex((s) => s.key === 'key-7')].partition);
  });

  it('keeps at most maxInFlightRequests requests in flight, and one per partition', async () => {
    const topic = uniqueName('inflight');
    await broker.createTopic({ name: topic, partitions: 8 });
    const stats = watchProduce(() => 25);
    const producer = new Brook({ url: server.url }).producer({ maxInFlightRequests: 3, batchSize: 100 });
    await Promise.all(Array.from({ length: 64 }, (_, i) => producer.send({ topic, messages: [{ value: `v${i}`, partition: i % 8 }] })));
    expect(stats.maxActive).toBe(3);
    expect(stats.overlaps).toBe(0);

    restore?.();
    const single = uniqueName('single');
    await broker.createTopic({ name: single, partitions: 1 });
    const stats1 = watchProduce(() => 10);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => producer.send({ topic: single, messages: [{ value: `v${i}` }] })),
    );
    expect(stats1.maxActive).toBe(1); // one partition: one request at a time, whatever the limit
    expect(answers.map((a) => Number(a[0].offset))).toEqual(answers.map((_, i) => i));
  });

  it('rejects only the sends an error belongs to', async () => {
    const topic = uniqueName('errors');
    await broker.createTopic({ name: topic, partitions: 2, configs: { 'max.message.bytes': 200 } });
    const producer = new Brook({ url: server.url, retry: false }).producer({ lingerMs: 5 });
    const outcomes = await Promise.allSettled([
      producer.send({ topic, messages: [{ key: 'a', value: 'ok-1' }] }),
      producer.send({ topic, messages: [{ key: 'a', value: 'x'.repeat(500) }] }), // too large
      producer.send({ topic, messages: [{ key: 'b', value: 'ok-2' }] }),
      producer.send({ topic, messages: [{ value: 'bad partition', partition: 9 }] }),
      producer.send({ topic: uniqueName('missing'), messages: [{ key: 'k', value: 'no topic' }] }),
      producer.send({ topic, messages: [{ key: 'a', value: 'ok-3' }] }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const reason = (i: number) => (outcomes[i] as PromiseRejectedResult).reason;
    expect(isBrookError(reason(1), 'MESSAGE_TOO_LARGE')).toBe(true);
    expect(isBrookError(reason(3), 'UNKNOWN_TOPIC_OR_PARTITION')).toBe(true);
    expect(isBrookError(reason(4), 'UNKNOWN_TOPIC_OR_PARTITION')).toBe(true);
    const values = [...(await readAll(topic, 0)), ...(await readAll(topic, 1))].map((r) => r.value).sort();
    expect(values).toEqual(['ok-1', 'ok-2', 'ok-3']);
    const a = [...(await readAll(topic, 0)), ...(await readAll(topic, 1))].filter((r) => r.key === 'a').map((r) => r.value);
    expect(a).toEqual(['ok-1', 'ok-3']);
  });

  it('disconnect sends what is queued and waits for its answers', async () => {
    const topic = uniqueName('flush');
    await broker.createTopic({ name: topic, partitions: 3 });
    watchProduce(() => 20);
    const producer = new Brook({ url: server.url }).producer({ lingerMs: 60_000, maxInFlightRequests: 2 });
    let settled = 0;
    const sends = Array.from({ length: 50 }, (_, i) =>
      producer.send({ topic, messages: [{ key: `k${i % 7}`, value: `v${i}` }] }).finally(() => settled++),
    );
    expect(await producer.send({ topic, messages: [] })).toEqual([]); // nothing to wait for, even lingering
    await producer.disconnect(); // a linger of a minute: only the flush sends them
    expect(settled).toBe(50);
    await Promise.all(sends);
    const total = (await Promise.all([0, 1, 2].map((p) => readAll(topic, p)))).flat().length;
    expect(total).toBe(50);
  });
});
