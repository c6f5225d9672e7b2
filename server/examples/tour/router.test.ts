import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { snapshotState, testBackends, uniqueName } from '@/db/testing';
import { callApi } from '@/server/api/test-server';
import type { Broker } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import { IDLE_MS, isIdle, localMembers, stopAllMembers } from '@/server/examples/tour/group';
import { MAX_MEMBERS } from '@/server/examples/tour/names';
import { SCRATCH_PARTITIONS, SCRATCH_TOPIC } from '@/server/examples/tour/scratch';

/** A random key of 1-24 characters, some outside ASCII, so the UTF-8 bytes hashed are not only one byte per character. */
function randomKey(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_:éß日本🙂';
  const chars = [...alphabet];
  return Array.from({ length: 1 + Math.floor(Math.random() * 24) }, () => chars[Math.floor(Math.random() * chars.length)]).join('');
}

describe.each(testBackends())('learn router on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  testBroker(backend, (env) => ({ db, broker } = env));
  afterAll(() => stopAllMembers());

  it("the key widget's partition is where records.produce puts the key, for 100 random keys", async () => {
    const topic = uniqueName('keys');
    await broker.createTopic({ name: topic, partitions: 7 });
    const keys = Array.from({ length: 100 }, randomKey);
    const produced = await callApi(broker, 'POST', 'records.produce', { topic, records: keys.map((key) => ({ key, value: 'v' })) });
    expect(produced.status).toBe(200);
    const actual = produced.body.result.data.results.map((r) => r.partition);
    const predicted: number[] = [];
    for (const key of keys) {
      const res = await callApi(broker, 'GET', 'learn.partitionFor', { key, partitions: 7 });
      expect(res.status).toBe(200);
      predicted.push(res.body.result.data.partition);
    }
    expect(predicted).toEqual(actual);
    // Not all on one partition: the comparison above says something.
    expect(new Set(actual).size).toBeGreaterThan(3);
  });

  it('answers bad input with 400 INVALID_REQUEST and changes nothing', async () => {
    const before = await snapshotState(db);
    for (const input of [
      { key: 'a', partitions: 0 },
      { key: 'a', partitions: 1_000_000_000 },
      { key: 'a', partitions: 1.5 },
      { key: 'x'.repeat(1001), partitions: 3 },
      { key: '\ud800', partitions: 3 },
      { key: null, partitions: 3 },
      { partitions: 3 },
      'a',
    ]) {
      const res = await callApi(broker, 'GET', 'learn.partitionFor', input);
      expect(res.status, JSON.stringify(input)).toBe(400);
      expect(res.body.error.data.kafka.name).toBe('INVALID_REQUEST');
    }
    expect(await snapshotState(db)).toEqual(before);
  });

  it('start creates the scratch topic once (idempotent) and lanes show produced records', async () => {
    for (let i = 0; i < 2; i++) expect((await callApi(broker, 'POST', 'learn.start', {})).status).toBe(200);
    const topic = await broker.describeTopic(SCRATCH_TOPIC);
    expect(topic.partitionDetails).toHaveLength(SCRATCH_PARTITIONS);
    await broker.produce(SCRATCH_TOPIC, [{ key: null, value: new TextEncoder().encode('hello'), partition: 1 }]);
    const lanes = (await callApi(broker, 'GET', 'learn.scratch', undefined)).body.result.data;
    expect(lanes?.lanes[1].recent.at(-1)?.value).toBe('hello');
  });

  it('+ consumer adds a real member that gets the partitions; − consumer makes it leave', async () => {
    const added = await callApi(broker, 'POST', 'learn.addConsumer', {});
    expect(added.status).toBe(200);
    expect(added.body.result.data.local).toHaveLength(1);
    // The broker assigns on the member's heartbeats: wait until it owns every partition.
    await expect
      .poll(
        async () => (await callApi(broker, 'GET', 'learn.group', undefined)).body.result.data.members.flatMap((m) => m.partitions).length,
        {
          timeout: 15_000,
        },
      )
      .toBe(SCRATCH_PARTITIONS);
    const removed = await callApi(broker, 'POST', 'learn.removeConsumer', {});
    expect(removed.body.result.data.local).toHaveLength(0);
    expect(removed.body.result.data.members).toHaveLength(0);
  });

  it('keeps at most 4 members however often + consumer is pressed, in parallel too; all stop when asked', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => callApi(broker, 'POST', 'learn.addConsumer', {})));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect((await callApi(broker, 'GET', 'learn.group', undefined)).body.result.data.local).toHaveLength(MAX_MEMBERS);
    await stopAllMembers();
    expect(localMembers()).toEqual([]);
    expect((await broker.groups.describe('learn.tour-group')).members).toEqual([]);
  });
});

describe('the tour group idles out', () => {
  it('after IDLE_MS without a look at the tour, not before', () => {
    expect(isIdle(1_000, 1_000 + IDLE_MS - 1)).toBe(false);
    expect(isIdle(1_000, 1_000 + IDLE_MS)).toBe(true);
  });
});
