import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, snapshotState, testBackends, uniqueName } from '@/db/testing';
import { type Broker, createBroker, isBrokerError } from '@/server/broker';

const enc = (s: string) => new TextEncoder().encode(s);

describe.each(testBackends())('fetch and list offsets on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  let topic: string;
  beforeAll(async () => {
    db = await openTestDatabase(backend);
    broker = createBroker(db);
    await broker.start();
    topic = uniqueName('fetch');
    await broker.createTopic({ name: topic, partitions: 2 });
    await broker.produce(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ value: enc(`v${i}`), partition: 0, timestamp: 1000 + i * 10 })),
    );
  });
  afterAll(async () => {
    await broker?.close();
    await db?.close();
  });

  it('returns records in offset order with the watermarks', async () => {
    const f = await broker.fetch({ topic, partition: 0, offset: 3, maxRecords: 4 });
    expect(f.records.map((r) => r.offset)).toEqual([3, 4, 5, 6]);
    expect(f.highWatermark).toBe(10);
    expect(f.logStartOffset).toBe(0);
  });

  it('fetching at the high watermark returns nothing; beyond it is OFFSET_OUT_OF_RANGE', async () => {
    expect((await broker.fetch({ topic, partition: 0, offset: 10 })).records).toEqual([]);
    for (const offset of [11, -1, 1.5]) {
      const err = await broker.fetch({ topic, partition: 0, offset }).catch((e) => e);
      expect(isBrokerError(err, 'OFFSET_OUT_OF_RANGE'), String(offset)).toBe(true);
    }
  });

  it('honours maxBytes but always returns at least one record', async () => {
    const f = await broker.fetch({ topic, partition: 0, offset: 0, maxBytes: 5 });
    expect(f.records.map((r) => r.offset)).toEqual([0, 1]); // "v0" + "v1" = 4 bytes, "v2" would pass 5
    const one = await broker.fetch({ topic, partition: 0, offset: 0, maxBytes: 1 });
    expect(one.records).toHaveLength(1);
  });

  it.each([
    [{ maxRecords: 0 }, 'INVALID_REQUEST'],
    [{ maxRecords: 10_001 }, 'INVALID_REQUEST'],
    [{ maxBytes: 0 }, 'INVALID_REQUEST'],
    [{ maxWaitMs: -1 }, 'INVALID_REQUEST'],
    [{ maxWaitMs: 30_001 }, 'INVALID_REQUEST'],
    [{ partition: 2 }, 'UNKNOWN_TOPIC_OR_PARTITION'],
    [{ topic: 'no-such-topic-anywhere' }, 'UNKNOWN_TOPIC_OR_PARTITION'],
  ] as const)('rejects %j with %s', async (patch, kafkaName) => {
    const before = await snapshotState(db);
    const err = await broker.fetch({ topic, partition: 0, offset: 0, ...patch }).catch((e) => e);
    expect(isBrokerError(err) && err.kafkaName).toBe(kafkaName);
    expect(await snapshotState(db)).toBe(before);
  });

  it('long-poll returns soon after a produce (time printed, not asserted)', async () => {
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const { highWatermark } = await broker.fetch({ topic, partition: 1, offset: 0, maxRecords: 1 }).catch(() => ({ highWatermark: 0 }));
      const hw = (await broker.listOffsets(topic, 1, 'latest')).offset!;
      const waiting = broker.fetch({ topic, partition: 1, offset: hw, maxWaitMs: 5000 });
      await new Promise((r) => setTimeout(r, 5));
      const sent = performance.now();
      await broker.produce(topic, [{ value: enc(`lp${i}`), partition: 1 }]);
      const got = await waiting;
      latencies.push(performance.now() - sent);
      expect(got.records.map((r) => r.offset)).toEqual([hw]);
      expect(highWatermark).toBeLessThanOrEqual(hw);
    }
    latencies.sort((a, b) => a - b);
    console.log(`[${backend}] produce -> long-poll wake-up: p50 ${latencies[10].toFixed(2)} ms, max ${latencies[19].toFixed(2)} ms`);
  });

  it('long-poll wakes for an append by another engine on the same database', async () => {
    if (backend === 'pglite') return; // one PGlite per process: a second engine needs a server
    const otherDb = await openTestDatabase('postgres', 2);
    const other = createBroker(otherDb);
    try {
      const hw = (await broker.listOffsets(topic, 1, 'latest')).offset!;
      const waiting = broker.fetch({ topic, partition: 1, offset: hw, maxWaitMs: 5000 });
      await new Promise((r) => setTimeout(r, 20));
      const sent = performance.now();
      await other.produce(topic, [{ value: enc('from-elsewhere'), partition: 1 }]);
      const got = await waiting;
      console.log(`[${backend}] cross-engine wake-up (NOTIFY): ${(performance.now() - sent).toFixed(2)} ms`);
      expect(got.records).toHaveLength(1);
    } finally {
      await other.close();
      await otherDb.close();
    }
  });

  it('long-poll returns empty after maxWaitMs when nothing arrives', async () => {
    const hw = (await broker.listOffsets(topic, 1, 'latest')).offset!;
    const f = await broker.fetch({ topic, partition: 1, offset: hw, maxWaitMs: 300 });
    expect(f.records).toEqual([]);
    expect(f.highWatermark).toBe(hw);
    // That it waited at all is shown without a clock: a record produced during the wait is returned.
    const waiting = broker.fetch({ topic, partition: 1, offset: hw, maxWaitMs: 30_000 });
    await broker.produce(topic, [{ value: new TextEncoder().encode('late'), partition: 1 }]);
    expect((await waiting).records.map((r) => r.offset)).toEqual([hw]);
  });

  it('reads several partitions in one fetch: per-partition and total bytes, a partition never written, errors per partition', async () => {
    const many = uniqueName('many');
    await broker.createTopic({ name: many, partitions: 3 });
    // Partitions 0 and 1 hold five 10-byte values each; partition 2 was never written (no log table yet).
    for (const partition of [0, 1]) {
      await broker.produce(
        many,
        Array.from({ length: 5 }, (_, i) => ({ value: enc(`p${partition}-value${i}`.padEnd(10, '.')), partition })),
      );
    }
    const all = (maxBytes: number, partitionMaxBytes: number) =>
      broker.fetchMany({
        partitions: [0, 1, 2].map((partition) => ({ topic: many, partition, offset: 0, maxBytes: partitionMaxBytes })),
        maxBytes,
      });
    const counts = (outcomes: Awaited<ReturnType<typeof all>>) =>
      outcomes.map((o) => ('ok' in o ? o.ok.records.length : o.error.kafkaName));
    expect(counts(await all(1000, 1000))).toEqual([5, 5, 0]);
    expect(counts(await all(1000, 30))).toEqual([3, 3, 0]);
    // The total cuts in partition order; the first record is whole even above both limits.
    expect(counts(await all(45, 1000))).toEqual([4, 0, 0]);
    expect(counts(await all(1, 1))).toEqual([1, 0, 0]);
    const [first] = await all(1000, 1000);
    expect('ok' in first && first.ok.records.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);

    const mixed = await broker.fetchMany({
      partitions: [
        { topic: many, partition: 1, offset: 2 },
        { topic: many, partition: 0, offset: 6 },
        { topic: many, partition: 7, offset: 0 },
        { topic: many, partition: 2, offset: 0 },
      ],
    });
    expect(counts(mixed)).toEqual([3, 'OFFSET_OUT_OF_RANGE', 'UNKNOWN_TOPIC_OR_PARTITION', 0]);
    expect('ok' in mixed[3] && mixed[3].ok.highWatermark).toBe(0);
    // More than fits is there already: answered at once although minBytes is not reached.
    const cut = await Promise.race([
      broker.fetchMany({ partitions: [{ topic: many, partition: 0, offset: 0 }], maxRecords: 2, minBytes: 1 << 20, maxWaitMs: 30_000 }),
      sleep(15_000).then(() => null),
    ]);
    expect(cut && counts(cut)).toEqual([2]);
    // Nothing asked, nothing to wait for: answered at once, not after maxWaitMs.
    expect(await broker.fetchMany({ partitions: [], maxWaitMs: 30_000 })).toEqual([]);
  });

  it('lists earliest, latest and by timestamp (first offset with timestamp >= T)', async () => {
    expect((await broker.listOffsets(topic, 0, 'earliest')).offset).toBe(0);
    expect((await broker.listOffsets(topic, 0, 'latest')).offset).toBe(10);
    expect(await broker.listOffsets(topic, 0, { timestamp: 1035 })).toMatchObject({ offset: 4, timestamp: 1040 });
    expect((await broker.listOffsets(topic, 0, { timestamp: 0 })).offset).toBe(0);
    expect((await broker.listOffsets(topic, 0, { timestamp: 99_999 })).offset).toBeNull();
    const err = await broker.listOffsets(topic, 5, 'latest').catch((e) => e);
    expect(isBrokerError(err, 'UNKNOWN_TOPIC_OR_PARTITION')).toBe(true);
  });
});
