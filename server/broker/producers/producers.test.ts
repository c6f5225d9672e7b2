import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, snapshotState, testBackends, uniqueName } from '@/db/testing';
import { type Broker, createBroker, type ProducerFields } from '@/server/broker';
import { expectKafkaError, testBroker } from '@/server/broker/testing';
import { AppendQueue } from '../log/append-queue';
import type { PreparedRecord } from '../log/record-codec';
import { SegmentCoverage } from '../log/segments';
import { appendChecked } from './append-checked';
import { expireProducers, PRODUCER_ID_EXPIRATION_MS } from './store';

const enc = (s: string) => new TextEncoder().encode(s);
const records = (partition: number, ...values: string[]) => values.map((v) => ({ value: enc(v), partition }));

describe.each(testBackends())('idempotent producers on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  /** The brokers' clock: producer state is stamped with it, so expiry is tested without waiting. */
  let clock = 1_000_000_000_000;
  testBroker(backend, (env) => ({ db, broker } = env), { now: () => clock });

  /** A second engine on the same database (its own connection pool on Postgres), as a second Brook process. */
  let other: { db: Database; broker: Broker };
  beforeAll(async () => {
    const otherDb = backend === 'postgres' ? await openTestDatabase('postgres') : db;
    other = { db: otherDb, broker: createBroker(otherDb, { now: () => clock }) };
  });
  afterAll(async () => {
    await other.broker.close();
    if (other.db !== db) await other.db.close();
  });

  async function topic(partitions = 1) {
    const name = uniqueName('idem');
    await broker.createTopic({ name, partitions });
    return name;
  }

  async function logOf(name: string, partition = 0) {
    return db.query<{ offset: number; value: string; producer_id: number | null; producer_epoch: number | null; sequence: number | null }>(
      `SELECT r."offset", convert_from(r.value, 'UTF8') AS value, r.producer_id, r.producer_epoch, r.sequence
         FROM records r JOIN topic_partitions tp ON tp.id = r.partition_id JOIN topics t ON t.id = tp.topic_id
        WHERE t.name = $1 AND tp.partition = $2 ORDER BY r."offset"`,
      [name, partition],
    );
  }

  const offsets = (results: Array<{ offset: number }>) => results.map((r) => r.offset);

  it('InitProducerId hands out distinct ids at epoch 0, across two engines, and bumps the epoch on re-init', async () => {
    const ids = await Promise.all([
      ...Array.from({ length: 5 }, () => broker.initProducerId({})),
      ...Array.from({ length: 5 }, () => other.broker.initProducerId({ producerId: -1, producerEpoch: -1 })),
    ]);
    expect(new Set(ids.map((i) => i.producerId)).size).toBe(10);
    expect(ids.every((i) => i.producerEpoch === 0)).toBe(true);

    const first = ids[0];
    const bumped = await other.broker.initProducerId({ producerId: first.producerId, producerEpoch: 0 });
    expect(bumped).toEqual({ producerId: first.producerId, producerEpoch: 1 });
    // The old epoch is no longer the latest: that producer gets a fresh id, never the same epoch twice.
    const again = await broker.initProducerId({ producerId: first.producerId, producerEpoch: 0 });
    expect(again.producerId).not.toBe(first.producerId);
    expect(again.producerEpoch).toBe(0);

    await expectKafkaError(
      broker.initProducerId({ transactionalId: 'tx-1', transactionTimeoutMs: 60_000 }),
      'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
    );
    await expectKafkaError(broker.initProducerId({ producerId: 5, producerEpoch: -1 }), 'INVALID_REQUEST');
  });

  it('appends in-order batches with their producer fields on every row; a retried batch gets its original offsets and is not written again', async () => {
    const name = await topic();
    const { producerId } = await broker.initProducerId({});
    const p = (baseSequence: number): ProducerFields => ({ producerId, producerEpoch: 0, baseSequence });
    expect(offsets(await broker.produce(name, records(0, 'a', 'b', 'c'), p(0)))).toEqual([0, 1, 2]);
    expect(offsets(await broker.produce(name, records(0, 'plain')))).toEqual([3]);
    expect(offsets(await broker.produce(name, records(0, 'd', 'e'), p(3)))).toEqual([4, 5]);
    // The retry, also through the other engine.
    expect(offsets(await broker.produce(name, records(0, 'a', 'b', 'c'), p(0)))).toEqual([0, 1, 2]);
    expect(offsets(await other.broker.produce(name, records(0, 'd', 'e'), p(3)))).toEqual([4, 5]);

    const log = await logOf(name);
    expect(log.map((r) => r.value)).toEqual(['a', 'b', 'c', 'plain', 'd', 'e']);
    expect(log.map((r) => [r.producer_id, r.producer_epoch, r.sequence])).toEqual([
      [producerId, 0, 0],
      [producerId, 0, 0],
      [producerId, 0, 0],
      [null, null, null],
      [producerId, 0, 3],
      [producerId, 0, 3],
    ]);
    expect((await broker.describeTopic(name)).partitionDetails[0].highWatermark).toBe(6);

    // A batch past the one-statement bounds goes by COPY: the same rules and columns.
    const many = Array.from({ length: 40 }, (_, i) => `m${i}`);
    const range = Array.from({ length: 40 }, (_, i) => 6 + i);
    expect(offsets(await broker.produce(name, records(0, ...many), p(5)))).toEqual(range);
    expect(offsets(await other.broker.produce(name, records(0, ...many), p(5)))).toEqual(range);
    await expectKafkaError(broker.produce(name, records(0, ...many), p(44)), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    const after = await logOf(name);
    expect(after).toHaveLength(46);
    expect(after[45]).toMatchObject({ offset: 45, value: 'm39', producer_id: producerId, producer_epoch: 0, sequence: 5 });
  });

  it('recognises a retry of any of the last 5 batches; older ones and gaps are refused and write nothing', async () => {
    const name = await topic();
    const { producerId } = await broker.initProducerId({});
    const p = (baseSequence: number): ProducerFields => ({ producerId, producerEpoch: 0, baseSequence });
    for (let i = 0; i < 6; i++) await broker.produce(name, records(0, `${i}a`, `${i}b`), p(i * 2));
    for (let i = 1; i < 6; i++)
      expect(offsets(await broker.produce(name, records(0, `${i}a`, `${i}b`), p(i * 2)))).toEqual([i * 2, i * 2 + 1]);

    const before = await snapshotState(db);
    await expectKafkaError(broker.produce(name, records(0, '0a', '0b'), p(0)), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    await expectKafkaError(broker.produce(name, records(0, 'gap'), p(13)), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    await expectKafkaError(other.broker.produce(name, records(0, 'gap'), p(20)), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(await snapshotState(db)).toBe(before);
    expect(offsets(await broker.produce(name, records(0, 'next'), p(12)))).toEqual([12]);
  });

  it('fences a stale epoch after a re-init; the new epoch starts at sequence 0', async () => {
    const name = await topic(2);
    const old = await broker.initProducerId({});
    const p = (producerEpoch: number, baseSequence: number): ProducerFields => ({
      producerId: old.producerId,
      producerEpoch,
      baseSequence,
    });
    await broker.produce(name, records(1, 'x'), p(0, 0));
    const bumped = await broker.initProducerId({ producerId: old.producerId, producerEpoch: old.producerEpoch });
    expect(bumped.producerEpoch).toBe(1);
    await expectKafkaError(broker.produce(name, records(1, 'y'), p(1, 1)), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(offsets(await broker.produce(name, records(1, 'y'), p(1, 0)))).toEqual([1]);
    const before = await snapshotState(db);
    await expectKafkaError(broker.produce(name, records(1, 'zombie'), p(0, 1)), 'INVALID_PRODUCER_EPOCH');
    expect(await snapshotState(db)).toBe(before);
    // Producer state is per partition: partition 0 has not seen this producer.
    expect(offsets(await broker.produce(name, records(0, 'z'), p(0, 7)))).toEqual([0]);
  });

  it('refuses producer batches that span partitions or carry out-of-range fields', async () => {
    const name = await topic(2);
    const p: ProducerFields = { producerId: 1, producerEpoch: 0, baseSequence: 0 };
    await expectKafkaError(broker.produce(name, [...records(0, 'a'), ...records(1, 'b')], p), 'INVALID_REQUEST');
    await expectKafkaError(broker.produce(name, [{ value: enc('a') }], p), 'INVALID_REQUEST');
    await expectKafkaError(broker.produce(name, records(0, 'a'), { ...p, baseSequence: -1 }), 'INVALID_REQUEST');
    await expectKafkaError(broker.produce(name, records(0, 'a'), { ...p, producerEpoch: 40_000 }), 'INVALID_REQUEST');
  });

  it('writes a batch sent at once through two engines exactly once', async () => {
    const name = await topic();
    const { producerId } = await broker.initProducerId({});
    const p = (baseSequence: number): ProducerFields => ({ producerId, producerEpoch: 0, baseSequence });
    for (let round = 0; round < 5; round++) {
      const values = [`r${round}a`, `r${round}b`];
      const sent = await Promise.all([
        broker.produce(name, records(0, ...values), p(round * 2)),
        other.broker.produce(name, records(0, ...values), p(round * 2)),
        other.broker.produce(name, records(0, ...values), p(round * 2)),
      ]);
      expect(new Set(sent.map((s) => JSON.stringify(offsets(s)))).size).toBe(1);
      expect(offsets(sent[0])).toEqual([round * 2, round * 2 + 1]);
    }
    expect((await logOf(name)).map((r) => r.value)).toEqual(['r0a', 'r0b', 'r1a', 'r1b', 'r2a', 'r2b', 'r3a', 'r3b', 'r4a', 'r4b']);
  });

  it('answers each batch of a coalesced transaction on its own: written, duplicate, refused', async () => {
    const name = await topic();
    const [{ id: pid }] = await db.query<{ id: number }>(
      `SELECT tp.id FROM topic_partitions tp JOIN topics t ON t.id = tp.topic_id WHERE t.name = $1`,
      [name],
    );
    const { producerId: a } = await broker.initProducerId({});
    const { producerId: b } = await broker.initProducerId({});
    await broker.produce(name, records(0, 'a0', 'a1'), { producerId: a, producerEpoch: 0, baseSequence: 0 });

    const coverage = new SegmentCoverage();
    const transactions: number[] = [];
    const queue = new AppendQueue(
      (batches) => {
        transactions.push(batches.length);
        return appendChecked(db, batches, coverage, clock);
      },
      { coalesce: true, maxRecords: 1000, maxBytes: 1 << 20 },
    );
    const batch = (values: string[], producer?: ProducerFields) => {
      const recs: PreparedRecord[] = values.map((v) => ({ key: null, value: enc(v), headers: null, timestamp: clock }));
      return [{ partitionId: pid, records: recs, bytes: values.join('').length, segmentCapacity: 1000, producer }];
    };
    const outcomes = await Promise.allSettled([
      queue.append(batch(['a0', 'a1'], { producerId: a, producerEpoch: 0, baseSequence: 0 })), // duplicate
      queue.append(batch(['a2'], { producerId: a, producerEpoch: 0, baseSequence: 2 })), // next in order
      queue.append(batch(['a9'], { producerId: a, producerEpoch: 0, baseSequence: 9 })), // gap
      queue.append(batch(['plain'])),
      queue.append(batch(['b0'], { producerId: b, producerEpoch: 0, baseSequence: 0 })),
      queue.append(batch(['b0'], { producerId: b, producerEpoch: 0, baseSequence: 0 })), // retry within the same transaction
      queue.append(batch(['a3'], { producerId: a, producerEpoch: 0, baseSequence: 3 })),
    ]);
    expect(transactions).toEqual([7]);
    const summary = outcomes.map((o) => (o.status === 'fulfilled' ? o.value[0].baseOffset : (o.reason as { kafkaName: string }).kafkaName));
    expect(summary).toEqual([0, 2, 'OUT_OF_ORDER_SEQUENCE_NUMBER', 3, 4, 4, 5]);
    expect((await logOf(name)).map((r) => r.value)).toEqual(['a0', 'a1', 'a2', 'plain', 'b0', 'a3']);
    expect((await broker.describeTopic(name)).partitionDetails[0].highWatermark).toBe(6);
  });

  it('keeps producer state apart from the log, and expires it after producer.id.expiration.ms idle', async () => {
    const name = await topic();
    const { producerId } = await broker.initProducerId({});
    const p = (baseSequence: number): ProducerFields => ({ producerId, producerEpoch: 0, baseSequence });
    await broker.produce(name, records(0, 'a'), p(0));
    const count = async () =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM producer_states WHERE producer_id = $1`, [producerId]))[0].n;
    expect(await count()).toBe(1);

    // The log's rows are gone (as after retention): the state still recognises the retry.
    await db.query(`DELETE FROM records WHERE producer_id = $1`, [producerId]);
    expect(offsets(await broker.produce(name, records(0, 'a'), p(0)))).toEqual([0]);

    await expireProducers(db, clock + PRODUCER_ID_EXPIRATION_MS - 1);
    expect(await count()).toBe(1);
    await expireProducers(db, clock + PRODUCER_ID_EXPIRATION_MS + 1);
    expect(await count()).toBe(0);
    // Forgotten: the producer is accepted at whatever sequence it sends next (Kafka ≥ 2.5).
    clock += PRODUCER_ID_EXPIRATION_MS + 1;
    expect(offsets(await broker.produce(name, records(0, 'b'), p(57)))).toEqual([1]);
  });
});
