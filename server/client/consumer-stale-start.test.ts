import { afterAll, describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import { testApiServer } from '@/server/api/test-server';
import { sleep, until } from '@/server/broker/testing';
import { Brook, type Consumer } from '.';

/**
 * Found by `npm run chaos`: a member whose start of its partitions is slow (a broker restarting) heartbeats
 * meanwhile. If those heartbeats said it owned nothing, the broker gave the partitions to a member that
 * joined, and the slow member still started them when its offsets came back: two members on one partition.
 */
describe.each(testBackends())('a member slow to start its partitions on %s', (backend) => {
  const server = { url: '' };
  const consumers: Consumer[] = [];
  testApiServer(backend, (env) => {
    server.url = env.url;
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => {})));
  });

  it('never works on a partition the broker has meanwhile given to another member', async () => {
    const topic = uniqueName('slow-start');
    const groupId = uniqueName('g');
    const admin = new Brook({ url: server.url });
    await admin.admin().createTopics({ topics: [{ topic, numPartitions: 4 }] });
    await admin
      .producer()
      .send({ topic, messages: [0, 1, 2, 3].flatMap((partition) => [0, 1, 2].map((i) => ({ value: `${i}`, partition }))) });

    let slow = true;
    // A's offset lookups are slow while `slow` (its broker restarting): it starts its partitions one by one.
    const slowFetch: typeof fetch = async (input, init) => {
      if (slow && String(input).includes('groups.fetchOffsets')) await sleep(1000);
      if (slow && String(input).includes('records.listOffsets')) await sleep(500);
      return fetch(input, init);
    };
    const processed: string[] = [];
    const join = async (name: string, fetchFn?: typeof fetch) => {
      const c = new Brook({ url: server.url, fetch: fetchFn }).consumer({ groupId, heartbeatInterval: 100, sessionTimeout: 10_000 });
      consumers.push(c);
      await c.subscribe({ topic, fromBeginning: true });
      await c.run({ eachMessage: async ({ partition, message }) => void processed.push(`${name} ${partition}:${message.offset}`) });
      return c;
    };
    const a = await join('a', slowFetch);
    await sleep(300); // A has all four partitions and is fetching their offsets
    const b = await join('b');
    await until(() => a.assignment().length === 2 && b.assignment().length === 2, 'one partition each');
    slow = false;
    await until(() => new Set(processed.map((p) => p.slice(2))).size === 12, 'every record processed');
    await sleep(500);
    // Each record once: nobody committed yet, so a second owner of a partition would process it again.
    expect(processed).toHaveLength(12);
  });
});
