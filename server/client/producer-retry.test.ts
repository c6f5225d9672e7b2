import { describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import { testApiServer } from '@/server/api/test-server';
import type { Broker } from '@/server/broker';
import { Brook, isBrookError } from '.';

/** A fetch whose chosen produce attempts reach Brook but lose its answer (as a reset connection would). */
function losingFetch(lose: (attempt: number) => boolean) {
  const bodies: string[] = [];
  const fetchFn: typeof fetch = async (url, init) => {
    const res = await fetch(url, init);
    if (!String(url).includes('records.produce')) return res;
    bodies.push(String(init?.body));
    if (lose(bodies.length)) {
      await res.text();
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    }
    return res;
  };
  return { fetchFn, bodies };
}

describe.each(testBackends())('producer retries with idempotency keys on %s', (backend) => {
  let broker: Broker;
  const server = { url: '' };
  testApiServer(backend, (env) => {
    broker = env.broker;
    server.url = env.url;
  });

  it('a request whose answer was lost is sent again with the same key: written once, the first offsets', async () => {
    const topic = uniqueName('retry');
    await broker.createTopic({ name: topic, partitions: 2 });
    const { fetchFn, bodies } = losingFetch((n) => n <= 2); // the first two attempts of the first request
    const producer = new Brook({ url: server.url, fetch: fetchFn }).producer({ retry: { initialBackoffMs: 1 } });
    const meta = await producer.send({
      topic,
      messages: [
        { value: 'x', partition: 0 },
        { value: 'y', partition: 1 },
      ],
    });
    expect(meta.map((m) => [m.partition, m.offset])).toEqual([
      [0, '0'],
      [1, '0'],
    ]);
    expect(bodies).toHaveLength(3);
    const keys = bodies.map((b) => JSON.parse(b).idempotencyKey);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    // The next request has a key of its own.
    await producer.send({ topic, messages: [{ value: 'z', partition: 0 }] });
    expect(JSON.parse(bodies[3]).idempotencyKey).not.toBe(keys[0]);
    for (const partition of [0, 1]) {
      const { records } = await broker.fetch({ topic, partition, offset: 0 });
      expect(records.map((r) => Buffer.from(r.value ?? []).toString())).toEqual(partition === 0 ? ['x', 'z'] : ['y']);
    }
  });

  it('without keys (idempotent: false) the same lost answer writes twice: at least once', async () => {
    const topic = uniqueName('retry');
    await broker.createTopic({ name: topic, partitions: 1 });
    const { fetchFn, bodies } = losingFetch((n) => n === 1);
    const producer = new Brook({ url: server.url, fetch: fetchFn }).producer({ idempotent: false, retry: { initialBackoffMs: 1 } });
    await producer.send({ topic, messages: [{ value: 'x' }] });
    expect(JSON.parse(bodies[0]).idempotencyKey).toBeUndefined();
    expect((await broker.fetch({ topic, partition: 0, offset: 0 })).records).toHaveLength(2);
  });

  it('a non-retriable error rejects at once; transient ones stop after the bounded attempts', async () => {
    const topic = uniqueName('retry');
    await broker.createTopic({ name: topic, partitions: 1, configs: { 'max.message.bytes': '100' } });
    const counted = losingFetch(() => false);
    const producer = new Brook({ url: server.url, fetch: counted.fetchFn }).producer();
    const err = await producer.send({ topic, messages: [{ value: 'v'.repeat(200) }] }).catch((e: unknown) => e);
    expect(isBrookError(err, 'MESSAGE_TOO_LARGE')).toBe(true);
    expect(counted.bodies).toHaveLength(1);

    const lossy = losingFetch(() => true);
    const bounded = new Brook({ url: server.url, fetch: lossy.fetchFn }).producer({ retry: { attempts: 3, initialBackoffMs: 1 } });
    await expect(bounded.send({ topic, messages: [{ value: 'v' }] })).rejects.toThrow(/fetch failed/);
    expect(lossy.bodies).toHaveLength(3);
    // All three attempts reached Brook with one key: written once.
    expect((await broker.fetch({ topic, partition: 0, offset: 0 })).records).toHaveLength(1);
  });

  it('an attempt without an answer in time is abandoned and retried with the same key', async () => {
    const topic = uniqueName('retry');
    await broker.createTopic({ name: topic, partitions: 1 });
    let calls = 0;
    const slowFirst: typeof fetch = async (url, init) => {
      if (String(url).includes('records.produce') && ++calls === 1) {
        // The first attempt reaches Brook, but its answer comes after the deadline.
        const res = await fetch(url, { ...init, signal: undefined });
        await new Promise((r) => setTimeout(r, 400));
        return res;
      }
      return fetch(url, init);
    };
    const producer = new Brook({ url: server.url, fetch: slowFirst }).producer({ requestTimeoutMs: 200, retry: { initialBackoffMs: 1 } });
    const meta = await producer.send({ topic, messages: [{ value: 'late' }] });
    expect(meta[0].offset).toBe('0');
    expect(calls).toBe(2);
    expect((await broker.fetch({ topic, partition: 0, offset: 0 })).records).toHaveLength(1);
  });
});
