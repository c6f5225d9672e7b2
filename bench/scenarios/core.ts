import type { Database } from '@/db/client';
import { type Broker, createBroker } from '@/server/broker';
import { COPY_COLUMNS, encodeCopyRows, type PreparedRecord } from '@/server/broker/log/record-codec';
import { partitionTable } from '@/server/broker/log/segments';
import { startChild } from '../lib/child';
import { type BenchDatabase, sampleRecord, sleep } from '../lib/env';
import { percentile, type Row } from '../lib/report';
import { runHttpCases, sixtyFourClients } from './core-http';

/**
 * The broker core against raw Postgres, all in one run on one database server.
 * Every rate is records per second of 16-byte keys and 100-byte values.
 */
const SECTION = 'core';

const prepared = (n: number, from = 0): PreparedRecord[] =>
  Array.from({ length: n }, (_, i) => ({ ...sampleRecord(from + i), headers: null, timestamp: Date.now() }));

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/**
 * (1) The floor: one large binary COPY into a table partitioned exactly like `records`. (1b) The same rows
 * as 1000-row COPYs, each in its own transaction with a watermark-row update: the least any design pays
 * when every 1000-record request must be committed before it is acknowledged.
 */
async function copyFloor(db: Database, n: number): Promise<{ oneCopy: number; perBatch: number }> {
  await db.query(
    `CREATE TABLE bench_floor (LIKE records INCLUDING DEFAULTS, CONSTRAINT bench_floor_pkey PRIMARY KEY (partition_id, "offset")) PARTITION BY LIST (partition_id)`,
  );
  await db.query(`CREATE TABLE bench_floor_p1 PARTITION OF bench_floor FOR VALUES IN (1) PARTITION BY RANGE ("offset")`);
  await db.query(`CREATE TABLE bench_floor_p1_s0 PARTITION OF bench_floor_p1 FOR VALUES FROM (0) TO (100000000)`);
  await db.query(`CREATE TABLE bench_floor_watermark (id int PRIMARY KEY, high_watermark bigint NOT NULL)`);
  await db.query(`INSERT INTO bench_floor_watermark VALUES (1, 0)`);
  const data = encodeCopyRows([{ partitionId: 1, baseOffset: 0, records: prepared(n) }]);
  const oneCopy = n / (await timed(() => db.transaction((tx) => tx.copyIn('bench_floor_p1', COPY_COLUMNS, data))));
  await db.query(`TRUNCATE bench_floor`);
  const batches = Array.from({ length: n / 1000 }, (_, b) =>
    encodeCopyRows([{ partitionId: 1, baseOffset: b * 1000, records: prepared(1000, b * 1000) }]),
  );
  const perBatch =
    n /
    (await timed(async () => {
      for (const batch of batches) {
        await db.transaction(async (tx) => {
          await tx.query(`UPDATE bench_floor_watermark SET high_watermark = high_watermark + 1000 WHERE id = 1 RETURNING high_watermark`);
          await tx.copyIn('bench_floor_p1', COPY_COLUMNS, batch);
        });
      }
    }));
  await db.query(`DROP TABLE bench_floor, bench_floor_watermark`);
  return { oneCopy, perBatch };
}

/** (2) Engine produce: `producers` concurrent producers, each to its own partition, `batch` records per call. */
async function engineProduce(broker: Broker, topic: string, partitions: number, batch: number, perProducer: number): Promise<number> {
  await broker.createTopic({ name: topic, partitions });
  // Records are made before the clock starts (as the COPY floor's rows are): this measures the broker.
  const batches = Array.from({ length: partitions }, (_, p) =>
    Array.from({ length: Math.min(20, perProducer / batch) }, (_, b) =>
      Array.from({ length: batch }, (_, i) => ({ ...sampleRecord(b * batch + i), partition: p })),
    ),
  );
  const seconds = await timed(async () => {
    await Promise.all(
      batches.map(async (mine) => {
        for (let n = 0; n * batch < perProducer; n++) await broker.produce(topic, mine[n % mine.length]);
      }),
    );
  });
  return (partitions * perProducer) / seconds;
}

/**
 * (2p) One producer pipelining to one partition: `inFlight` requests of `batch` records outstanding at
 * once (Kafka's max.in.flight.requests.per.connection is 5), each sent as soon as an earlier one is acked.
 */
async function engineProducePipelined(broker: Broker, topic: string, batch: number, inFlight: number, total: number): Promise<number> {
  await broker.createTopic({ name: topic, partitions: 1 });
  const batches = Array.from({ length: 20 }, (_, b) =>
    Array.from({ length: batch }, (_, i) => ({ ...sampleRecord(b * batch + i), partition: 0 })),
  );
  let next = 0;
  const requests = Math.ceil(total / batch);
  const seconds = await timed(async () => {
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < requests) await broker.produce(topic, batches[next++ % batches.length]);
      }),
    );
  });
  return (requests * batch) / seconds;
}

/** (4e) The same 64 single-record producers inside one engine (no HTTP): what coalescing itself buys. */
async function engineSingleRecordClients(broker: Broker, topic: string, seconds: number): Promise<number> {
  await broker.createTopic({ name: topic, partitions: 1 });
  return sixtyFourClients(seconds, (c, i) => broker.produce(topic, [{ ...sampleRecord(c * 1_000_000 + i), partition: 0 }]));
}

/** (5) Paging one partition 1000 records at a time: the engine's fetch against the same raw SELECT. */
async function fetchPaging(db: Database, broker: Broker, topic: string, n: number) {
  await broker.createTopic({ name: topic, partitions: 1 });
  for (let sent = 0; sent < n; sent += 5000) {
    await broker.produce(
      topic,
      Array.from({ length: 5000 }, (_, i) => ({ ...sampleRecord(sent + i), partition: 0 })),
    );
  }
  const { partitionIds } = await broker.topicCache.get(topic);
  const table = partitionTable(partitionIds[0]);
  const rawSeconds = await timed(async () => {
    for (let offset = 0; offset < n; offset += 1000) {
      // The plain query a Postgres user would write for this, as a prepared statement.
      const rows = await db.query(
        `SELECT "offset", "timestamp", key, value, headers FROM ${table}
          WHERE partition_id = $1 AND "offset" >= $2 AND "offset" < $3 ORDER BY "offset" LIMIT 1000`,
        [partitionIds[0], offset, offset + 1000],
      );
      if (rows.length !== 1000) throw new Error('short page');
    }
  });
  const engineSeconds = await timed(async () => {
    for (let offset = 0; offset < n; offset += 1000) {
      const { records } = await broker.fetch({ topic, partition: 0, offset, maxRecords: 1000, maxBytes: 8 << 20 });
      if (records.length !== 1000) throw new Error('short page');
    }
  });
  return { raw: n / rawSeconds, engine: n / engineSeconds };
}

/**
 * (6) Produce → long-poll delivery at about `rate` records/s: this engine produces single records
 * without waiting for each ack (as a Kafka producer with several requests in flight); a second engine
 * in a process of its own, as another Brook process, long-polls. The first second warms up and is not counted.
 */
async function deliveryLatency(bench: BenchDatabase, producer: Broker, topic: string, rate: number, seconds: number) {
  await producer.createTopic({ name: topic, partitions: 1 });
  const warmup = rate;
  const total = rate * seconds + warmup;
  const consumer = startChild(new URL('../lib/latency-consumer.ts', import.meta.url), { url: bench.url, topic, total });
  let sentAt: Float64Array;
  let delivered: Float64Array;
  let elapsed: number;
  try {
    await consumer.next(); // ready
    sentAt = new Float64Array(total);
    const start = performance.now();
    const inflight: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      sentAt[i] = performance.timeOrigin + performance.now();
      inflight.push(producer.produce(topic, [{ value: new TextEncoder().encode(String(i)), partition: 0 }]));
    }
    await Promise.all(inflight);
    elapsed = (performance.now() - start) / 1000;
    ({ delivered } = await consumer.next<{ delivered: Float64Array }>());
  } finally {
    await consumer.stop();
  }
  const latencies: number[] = [];
  for (let i = warmup; i < total; i++) latencies.push(delivered[i] - sentAt[i]);
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), rate: total / elapsed };
}

export async function runCoreBench(bench: BenchDatabase, quick: boolean): Promise<{ rows: Row[]; notes: string[] }> {
  const scale = quick ? 0.2 : 1;
  const rows: Row[] = [];
  const notes: string[] = [];
  const pagingN = Math.round(200_000 * scale);
  const db = await bench.open(12);
  const broker = createBroker(db);
  await broker.start();
  try {
    console.log('(1) raw COPY floor...');
    const floorN = Math.round(300_000 * scale);
    const { oneCopy: floor, perBatch: batchFloor } = await copyFloor(db, floorN);
    rows.push({
      section: SECTION,
      case: `(1) raw binary COPY, ${floorN.toLocaleString()} rows, one transaction`,
      value: floor,
      unit: 'rec/s',
    });
    rows.push({
      section: SECTION,
      case: `(1b) raw binary COPY, 1000 rows per transaction + watermark UPDATE`,
      value: batchFloor,
      unit: 'rec/s',
      ratio: batchFloor / floor,
      baseline: 'of (1)',
    });

    console.log('(2) engine produce...');
    const plan: Array<[number, number, number]> = [
      [1, 1, Math.round(3000 * scale)],
      [1, 100, Math.round(100_000 * scale)],
      [1, 1000, Math.round(300_000 * scale)],
      [4, 1, Math.round(2000 * scale)],
      [4, 100, Math.round(50_000 * scale)],
      [4, 1000, Math.round(100_000 * scale)],
    ];
    for (const [partitions, batch, perProducer] of plan) {
      const rate = await engineProduce(broker, `bench-produce-${partitions}p-${batch}`, partitions, batch, perProducer);
      const ratio = rate / floor;
      rows.push({
        section: SECTION,
        case: `(2) engine produce, ${partitions === 1 ? '1 partition' : `${partitions} partitions (a producer each)`}, batch ${batch}`,
        value: rate,
        unit: 'rec/s',
        ratio,
        baseline: 'of (1)',
        ...(batch === 1000 ? { target: '>= 0.5x of (1)', met: ratio >= 0.5 } : {}),
      });
      if (batch === 1000 && partitions === 1) {
        rows.push({
          section: SECTION,
          case: `(2) engine produce, 1 partition, batch 1000, against (1b)`,
          value: rate,
          unit: 'rec/s',
          ratio: rate / batchFloor,
          baseline: 'of (1b)',
        });
      }
    }

    const pipelined = await engineProducePipelined(broker, 'bench-produce-1p-1000-x5', 1000, 5, Math.round(300_000 * scale));
    rows.push({
      section: SECTION,
      case: `(2p) engine produce, 1 partition, batch 1000, 5 requests in flight`,
      value: pipelined,
      unit: 'rec/s',
      ratio: pipelined / floor,
      baseline: 'of (1)',
      target: '>= 0.5x of (1)',
      met: pipelined / floor >= 0.5,
    });

    console.log('(4e) coalescing inside the engine...');
    const engineOn = await engineSingleRecordClients(broker, 'bench-engine-64-on', quick ? 2 : 5);
    const uncoalesced = createBroker(db, { coalesce: false });
    const engineOff = await engineSingleRecordClients(uncoalesced, 'bench-engine-64-off', quick ? 2 : 5);
    await uncoalesced.close();
    rows.push({ section: SECTION, case: `(4e) 64 single-record producers in-process, coalescing off`, value: engineOff, unit: 'rec/s' });
    rows.push({
      section: SECTION,
      case: `(4e) 64 single-record producers in-process, coalescing on`,
      value: engineOn,
      unit: 'rec/s',
      ratio: engineOn / engineOff,
      baseline: 'of coalescing off',
      target: '>= 10x and >= 10k rec/s',
      met: engineOn / engineOff >= 10 && engineOn >= 10_000,
    });

    console.log('(5) fetch paging...');
    const paging = await fetchPaging(db, broker, 'bench-paging', pagingN);
    rows.push({ section: SECTION, case: `(5) raw SELECT paging, 1000 per page`, value: paging.raw, unit: 'rec/s' });
    rows.push({
      section: SECTION,
      case: `(5) engine fetch paging, 1000 per page`,
      value: paging.engine,
      unit: 'rec/s',
      ratio: paging.engine / paging.raw,
      baseline: 'of raw SELECT',
      target: '>= 0.7x',
      met: paging.engine / paging.raw >= 0.7,
    });

    console.log('(6) produce -> long-poll latency...');
    const lat = await deliveryLatency(bench, broker, 'bench-latency', 1000, quick ? 3 : 10);
    rows.push({
      section: SECTION,
      case: `(6) produce -> long-poll delivery p50 (other engine, ${Math.round(lat.rate)} rec/s)`,
      value: lat.p50,
      unit: 'ms',
      target: '<= 3 ms',
      met: lat.p50 <= 3,
    });
    rows.push({
      section: SECTION,
      case: `(6) produce -> long-poll delivery p99`,
      value: lat.p99,
      unit: 'ms',
      target: '<= 15 ms',
      met: lat.p99 <= 15,
    });
  } finally {
    await broker.close();
    await db.close();
  }

  console.log('(3)(4)(5) through the running server, and through a Next.js route...');
  rows.push(
    ...(await runHttpCases(bench, quick, {
      engineBatch1000: rowValue(rows, '(2) engine produce, 1 partition, batch 1000'),
      rawPaging: rowValue(rows, '(5) raw SELECT'),
      pagingTopic: 'bench-paging',
      pagingN,
    })),
  );
  notes.push(
    '(1b) is the floor for acknowledged 1000-record requests: each must commit (and flush WAL) before its ack, which one large COPY never pays per batch.',
  );
  notes.push(
    '(2) with 4 partitions runs 4 producers at once, one per partition; its ratio compares their sum to the single-stream COPY floor.',
  );
  notes.push(
    '(6) measures NOTIFY-driven wake-ups: the producing and the fetching engine have separate connection pools, as two Brook processes would.',
  );
  return { rows, notes };
}

const rowValue = (rows: Row[], prefix: string) => rows.find((r) => r.case.startsWith(prefix))!.value;
