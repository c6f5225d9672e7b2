import { afterAll, describe, expect, it } from 'vitest';
import { testBackends, uniqueName } from '@/db/testing';
import { testApiServer } from '@/server/api/test-server';
import type { Broker } from '@/server/broker';
import { until } from '@/server/broker/testing';
import { Brook, type Consumer } from '.';

describe.each(testBackends())('consumer.crash() on %s', (backend) => {
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

  it('stops without leaving: the member stays until its session times out, then its partitions move', async () => {
    const brook = new Brook({ url: server.url });
    const topic = uniqueName('crash');
    await brook.admin().createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const groupId = uniqueName('g');
    const join = async () => {
      const c = brook.consumer({ groupId, sessionTimeout: 1500, heartbeatInterval: 200 });
      consumers.push(c);
      await c.subscribe({ topic, fromBeginning: true });
      await c.run({ eachMessage: async () => {} });
      return c;
    };
    const a = await join();
    const b = await join();
    await until(() => a.assignment().length === 1 && b.assignment().length === 1, 'one partition each');

    await a.crash();
    expect(a.assignment()).toEqual([]);
    // Unlike disconnect(), nothing told the group: both members are still there.
    expect((await broker.groups.describe(groupId)).members).toHaveLength(2);
    // After the session timeout the broker fences it and the survivor takes both partitions.
    await until(() => b.assignment().length === 2, 'the survivor owning both partitions');
    expect((await broker.groups.describe(groupId)).members).toHaveLength(1);
  });
});
