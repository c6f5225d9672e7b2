import { describe, expect, it } from 'vitest';
import { openTestDatabase, postgresUrl, uniqueName } from '@/db/testing';
import { createBroker } from '@/server/broker';
import { fromTopicPartitions as flat } from '@/server/kernel/topic-partition';
import { Client, expectDisjoint } from './classic-testing';

describe.skipIf(!postgresUrl())('classic members on two Brook engines', () => {
  it('members joining and heartbeating through either engine, concurrently, converge on one assignment', async () => {
    const [dbA, dbB] = [await openTestDatabase('postgres', 4), await openTestDatabase('postgres', 4)];
    const [A, B] = [createBroker(dbA), createBroker(dbB)];
    try {
      const t = uniqueName('shared');
      await A.createTopic({ name: t, partitions: 6 });
      const group = uniqueName('g');
      const clients = Array.from({ length: 4 }, (_, i) => new Client(i % 2 ? B : A, group, [t]));
      await Promise.all(clients.map((c) => c.join()));
      expectDisjoint(clients);
      for (let round = 0; round < 12; round++) {
        const rejoined = await Promise.all(clients.map((c) => c.beat()));
        expectDisjoint(clients);
        if (!rejoined.some(Boolean) && clients.flatMap((c) => c.assignment).length === 6) break;
      }
      expectDisjoint(clients, 6);
      const d = await B.groups.describe(group);
      expect(d.state).toBe('Stable');
      expect(d.members.map((m) => flat(m.assignment).length).sort()).toEqual([1, 1, 2, 2]);
    } finally {
      await A.close();
      await B.close();
      await dbA.close();
      await dbB.close();
    }
  });
});
