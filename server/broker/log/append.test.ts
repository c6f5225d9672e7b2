import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, postgresUrl, snapshotState, testBackends, uniqueName } from '@/db/testing';
import { type Broker, createBroker, decodeHeaders, isBrokerError } from '@/server/broker';
import { testBroker } from '@/server/broker/testing';
import { partitionTable } from './segments';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe.each(testBackends())('the log on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  testBroker(backend, (env) => ({ db, broker } = env), { start: true });

  it('round-trips keys, values, null values, binary bytes, ordered duplicate headers and timestamps', async () => {
    const name = uniqueName('bytes');
    await broker.createTopic({ name, partitions: 1 });
    const binary = new Uint8Array(256).map((_, i) => i);
    const results = await broker.produce(name, [
      {
        key: binary,
        value: binary,
        timestamp: 1_700_000_000_123,
        headers: [
          { key: 'h', value: enc('1') },
          { key: 'h', value: enc('2') },
          { key: 'n', value: null },
        ],
      },
      { key: null, value: null, timestamp: 5 },
      { key: enc(''), value: enc('') },
    ]);
    expect(results.map((r) => r.offset)).toEqual([0, 1, 2]);
    const { records } = await broker.fetch({ topic: name, partition: 0, offset: 0 });
    expect(records).toHaveLength(3);
    expect(Array.from(records[0].key!)).toEqual(Array.from(binary));
    expect(Array.from(records[0].value!)).toEqual(Array.from(binary));
    expect(records[0].timestamp).toBe(1_700_000_000_123);
    expect(decodeHeaders(records[0].headers).map((h) => [h.key, dec(h.value)])).toEqual([
      ['h', '1'],
      ['h', '2'],
      ['n', null],
    ]);
    expect(records[1]).toMatchObject({ offset: 1, key: null, value: null, timestamp: 5 });
    expect(decodeHeaders(records[1].headers)).toEqual([]);
    expect(dec(records[2].key)).toBe('');
    expect(dec(records[2].value)).toBe('');
  });

  it('uses the broker clock under message.timestamp.type=LogAppendTime', async () => {
    const name = uniqueName('lat');
    await broker.createTopic({ name, partitions: 1, configs: { 'message.timestamp.type': 'LogAppendTime' } });
    const before = Date.now();
    await broker.produce(name, [{ value: enc('x'), timestamp: 42 }]);
    const { records } = await broker.fetch({ topic: name, partition: 0, offset: 0 });
    expect(records[0].timestamp).toBeGreaterThanOrEqual(before);
  });

  it('places keyed records by murmur2 and keeps per-key order', async () => {
    const name = uniqueName('keys');
    await broker.createTopic({ name, partitions: 6 });
    const results = await broker.produce(
      name,
      Array.from({ length: 60 }, (_, i) => ({ key: enc(`user-${i % 10}`), value: enc(String(i)) })),
    );
    const byKey = new Map<string, Set<number>>();
    results.forEach((r, i) => {
      const k = `user-${i % 10}`;
      byKey.set(k, (byKey.get(k) ?? new Set()).add(r.partition));
    });
    for (const parts of byKey.values()) expect(parts.size).toBe(1);
    for (let p = 0; p < 6; p++) {
      const { records } = await broker.fetch({ topic: name, partition: p, offset: 0, maxRecords: 100 });
      expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i));
      const values = records.map((r) => Number(dec(r.value)));
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
  });

  it('rolls segments: producing past segment.records creates child tables, fetch crosses them seamlessly', async () => {
    const name = uniqueName('roll');
    await broker.createTopic({ name, partitions: 1, configs: { 'segment.records': 100 } });
    for (let i = 0; i < 5; i++) {
      await broker.produce(
        name,
        Array.from({ length: 50 }, (_, j) => ({ value: enc(`r${i * 50 + j}`) })),
      );
    }
    const segments = await db.query<{ base_offset: number; end_offset: number }>(
      `SELECT s.base_offset, s.end_offset FROM log_segments s
         JOIN topic_partitions tp ON tp.id = s.partition_id JOIN topics t ON t.id = tp.topic_id
        WHERE t.name = $1 ORDER BY 1`,
      [name],
    );
    expect(segments.map((s) => [s.base_offset, s.end_offset])).toEqual([
      [0, 100],
      [100, 200],
      [200, 300],
    ]);
    const [{ pid }] = await db.query<{ pid: number }>(
      `SELECT tp.id AS pid FROM topic_partitions tp JOIN topics t ON t.id = tp.topic_id WHERE t.name = $1`,
      [name],
    );
    const children = await db.query<{ relname: string; n: number }>(
      `SELECT c.relname, (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid)::int AS n
         FROM pg_class c WHERE c.relname = $1`,
      [partitionTable(pid)],
    );
    expect(children[0].n).toBe(3);
    // Page across the segment boundaries at 100 and 200.
    const seen: number[] = [];
    let offset = 60;
    while (offset < 250) {
      const { records } = await broker.fetch({ topic: name, partition: 0, offset, maxRecords: 70 });
      for (const r of records) {
        seen.push(r.offset);
        expect(dec(r.value)).toBe(`r${r.offset}`);
      }
      offset = records[records.length - 1].offset + 1;
    }
    expect(seen).toEqual(Array.from({ length: 190 }, (_, i) => 60 + i));
  });

  it('a multi-partition produce is atomic: one oversized record writes nothing anywhere', async () => {
    const name = uniqueName('atomic');
    await broker.createTopic({ name, partitions: 3, configs: { 'max.message.bytes': 1000 } });
    await broker.produce(name, [{ value: enc('seed'), partition: 0 }]);
    const before = await snapshotState(db);
    const err = await broker
      .produce(name, [
        { value: enc('ok-0'), partition: 0 },
        { value: enc('ok-1'), partition: 1 },
        { value: new Uint8Array(1001), partition: 2 },
      ])
      .catch((e) => e);
    expect(isBrokerError(err, 'MESSAGE_TOO_LARGE')).toBe(true);
    expect(await snapshotState(db)).toBe(before);
    // And across partitions a valid request lands entirely.
    const ok = await broker.produce(name, [
      { value: enc('a'), partition: 0 },
      { value: enc('b'), partition: 1 },
      { value: enc('c'), partition: 2 },
    ]);
    expect(ok).toEqual([
      { partition: 0, offset: 1 },
      { partition: 1, offset: 0 },
      { partition: 2, offset: 0 },
    ]);
  });

  it.each([
    ['an unknown topic', (t: string) => ({ topic: `${t}-nope`, records: [{ value: enc('x') }] }), 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['a partition out of range', (t: string) => ({ topic: t, records: [{ value: enc('x'), partition: 2 }] }), 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['a negative partition', (t: string) => ({ topic: t, records: [{ value: enc('x'), partition: -1 }] }), 'UNKNOWN_TOPIC_OR_PARTITION'],
    ['no records', (t: string) => ({ topic: t, records: [] }), 'INVALID_REQUEST'],
    ['a negative timestamp', (t: string) => ({ topic: t, records: [{ value: enc('x'), timestamp: -1 }] }), 'INVALID_TIMESTAMP'],
    ['an oversized record', (t: string) => ({ topic: t, records: [{ value: new Uint8Array(1_048_589) }] }), 'MESSAGE_TOO_LARGE'],
  ] as const)('rejects %s and changes nothing', async (_label, make, kafkaName) => {
    const name = uniqueName('bad');
    await broker.createTopic({ name, partitions: 2 });
    const before = await snapshotState(db);
    const req = make(name);
    const err = await broker.produce(req.topic, req.records).catch((e) => e);
    expect(isBrokerError(err) && err.kafkaName).toBe(kafkaName);
    expect(await snapshotState(db)).toBe(before);
  });

  it('coalesces concurrent single-record produces into few transactions, offsets still dense', async () => {
    const name = uniqueName('coalesce');
    await broker.createTopic({ name, partitions: 1 });
    const results = await Promise.all(Array.from({ length: 64 }, (_, i) => broker.produce(name, [{ value: enc(`c${i}`) }])));
    const offsets = results.map((r) => r[0].offset).sort((a, b) => a - b);
    expect(offsets).toEqual(Array.from({ length: 64 }, (_, i) => i));
    const { records } = await broker.fetch({ topic: name, partition: 0, offset: 0, maxRecords: 100 });
    // Each caller got the offset its own record was written at.
    for (const [i, r] of results.entries()) expect(dec(records[r[0].offset].value)).toBe(`c${i}`);
  });
});

describe.skipIf(!postgresUrl())('concurrent producers on the Postgres server', () => {
  const engines: Array<{ db: Database; broker: Broker }> = [];
  afterAll(async () => {
    for (const e of engines) {
      await e.broker.close();
      await e.db.close();
    }
  });

  it('8 producers x 1,000 records into one partition: offsets exactly 0..7999, per-producer order kept, a long-polling reader never skips', async () => {
    // Separate engines on separate pools, so the only thing serialising them is Postgres' row lock.
    for (let i = 0; i < 9; i++) {
      const db = await openTestDatabase('postgres', 3);
      engines.push({ db, broker: createBroker(db, { recheckMs: 200 }) });
    }
    const name = uniqueName('contended');
    await engines[0].broker.createTopic({ name, partitions: 1, configs: { 'segment.records': 1500 } });
    const reader = engines[8].broker;
    await reader.start();

    const readAll = (async () => {
      const offsets: number[] = [];
      const values: string[] = [];
      let offset = 0;
      while (offset < 8000) {
        const { records, highWatermark } = await reader.fetch({ topic: name, partition: 0, offset, maxRecords: 250, maxWaitMs: 2000 });
        for (const r of records) {
          offsets.push(r.offset);
          values.push(dec(r.value)!);
          expect(r.offset).toBeLessThan(highWatermark);
        }
        if (records.length) offset = records[records.length - 1].offset + 1;
      }
      return { offsets, values };
    })();

    const producers = engines.slice(0, 8).map(async ({ broker }, p) => {
      const acked: number[] = [];
      for (let i = 0; i < 1000; ) {
        const n = Math.min(1000 - i, 1 + ((i * 7 + p) % 5)); // mixed batch sizes 1..5
        const res = await broker.produce(
          name,
          Array.from({ length: n }, (_, j) => ({ value: enc(`${p}:${i + j}`), partition: 0 })),
        );
        acked.push(...res.map((r) => r.offset));
        i += n;
      }
      return acked;
    });
    const acked = await Promise.all(producers);
    const { offsets, values } = await readAll;

    expect(offsets).toEqual(Array.from({ length: 8000 }, (_, i) => i));
    expect(acked.flat().sort((a, b) => a - b)).toEqual(offsets);
    for (let p = 0; p < 8; p++) {
      // Acknowledged offsets increase for each producer, and the log holds its records in its own order.
      expect(acked[p]).toEqual([...acked[p]].sort((a, b) => a - b));
      const mine = values.filter((v) => v.startsWith(`${p}:`)).map((v) => Number(v.split(':')[1]));
      expect(mine).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      for (const [i, offset] of acked[p].entries()) expect(values[offset]).toBe(`${p}:${i}`);
    }
  });
});
