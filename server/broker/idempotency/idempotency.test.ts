import { describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, snapshotState, testBackends, uniqueName } from '@/db/testing';
import { createBroker } from '../index';
import { maintainLogs } from '../log/maintenance';
import type { ProduceRecord } from '../produce';
import { expectKafkaError, testBroker } from '../testing';

const text = (s: string) => Buffer.from(s);
const recs = (...values: string[]): ProduceRecord[] => values.map((v) => ({ value: text(v) }));

async function count(db: Database, topic: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM records r JOIN topic_partitions tp ON tp.id = r.partition_id JOIN topics t ON t.id = tp.topic_id
      WHERE t.name = $1`,
    [topic],
  );
  return row.n;
}

async function keyRows(db: Database, topic: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM produce_idempotency_keys k JOIN topics t ON t.id = k.topic_id WHERE t.name = $1`,
    [topic],
  );
  return row.n;
}

describe.each(testBackends())('records.produce idempotency keys on %s', (backend) => {
  let db: Database;
  let broker: ReturnType<typeof createBroker>;
  let clock = Date.now();
  testBroker(
    backend,
    (env) => {
      db = env.db;
      broker = env.broker;
    },
    { now: () => clock, idempotencyWindowMs: 60_000 },
  );

  it('a retry with the same key answers the first offsets and writes nothing', async () => {
    const topic = uniqueName('idem');
    await broker.createTopic({ name: topic, partitions: 3 });
    const batch: ProduceRecord[] = [
      { key: text('a'), value: text('1') },
      { value: text('2') },
      { key: text('b'), value: text('3'), headers: [{ key: 'h', value: text('v') }] },
      { value: text('4'), partition: 2 },
    ];
    const first = await broker.produce(topic, batch, undefined, undefined, 'order-1');
    expect(first).toHaveLength(4);
    const before = await snapshotState(db);
    const again = await broker.produce(topic, batch, undefined, undefined, 'order-1');
    expect(again).toEqual(first);
    expect(await snapshotState(db)).toBe(before);
    expect(await count(db, topic)).toBe(4);
    // Another key is another request: written again.
    const other = await broker.produce(topic, batch, undefined, undefined, 'order-2');
    expect(other).not.toEqual(first);
    expect(await count(db, topic)).toBe(8);
  });

  it('keys are per topic: the same key on another topic is another request', async () => {
    const [a, b] = [uniqueName('idem-a'), uniqueName('idem-b')];
    await broker.createTopic({ name: a, partitions: 1 });
    await broker.createTopic({ name: b, partitions: 1 });
    await broker.produce(a, recs('x'), undefined, undefined, 'k');
    expect(await broker.produce(b, recs('y', 'z'), undefined, undefined, 'k')).toEqual([
      { partition: 0, offset: 0 },
      { partition: 0, offset: 1 },
    ]);
  });

  it('the same key with a different body is refused with DUPLICATE_RESOURCE and writes nothing', async () => {
    const topic = uniqueName('idem');
    await broker.createTopic({ name: topic, partitions: 2 });
    await broker.produce(topic, recs('a', 'b'), undefined, undefined, 'k1');
    const before = await snapshotState(db);
    const variants: ProduceRecord[][] = [
      recs('a', 'c'),
      recs('a'),
      [{ value: text('a'), partition: 1 }, { value: text('b') }],
      [{ value: text('a'), timestamp: 5 }, { value: text('b') }],
      [{ value: text('a'), headers: [{ key: 'x', value: null }] }, { value: text('b') }],
    ];
    for (const v of variants) {
      const err = await expectKafkaError(broker.produce(topic, v, undefined, undefined, 'k1'), 'DUPLICATE_RESOURCE');
      expect(err.message).toMatch(/already used for a different request/);
    }
    expect(await snapshotState(db)).toBe(before);
  });

  it('refuses a malformed key and a key on an idempotent producer batch, writing nothing', async () => {
    const topic = uniqueName('idem');
    await broker.createTopic({ name: topic, partitions: 1 });
    const before = await snapshotState(db);
    for (const bad of ['', 'x'.repeat(129), 'tab\there', 'é']) {
      await expectKafkaError(broker.produce(topic, recs('a'), undefined, undefined, bad), 'INVALID_REQUEST');
    }
    const producer = { producerId: 1, producerEpoch: 0, baseSequence: 0 };
    await expectKafkaError(broker.produce(topic, [{ value: text('a'), partition: 0 }], producer, undefined, 'k'), 'INVALID_REQUEST');
    expect(await snapshotState(db)).toBe(before);
    await broker.produce(topic, recs('a'), undefined, undefined, 'x'.repeat(128));
  });

  it('forgets a key after the window: a retry then writes again, and maintenance deletes old keys', async () => {
    const topic = uniqueName('idem');
    await broker.createTopic({ name: topic, partitions: 1 });
    const start = clock;
    try {
      const first = await broker.produce(topic, recs('a'), undefined, undefined, 'w');
      clock = start + 59_000; // inside the window
      expect(await broker.produce(topic, recs('a'), undefined, undefined, 'w')).toEqual(first);
      expect(await count(db, topic)).toBe(1);
      clock = start + 61_000; // past it: a new request, even with another body
      expect(await broker.produce(topic, recs('b'), undefined, undefined, 'w')).toEqual([{ partition: 0, offset: 1 }]);
      expect(await broker.produce(topic, recs('b'), undefined, undefined, 'w')).toEqual([{ partition: 0, offset: 1 }]);
      await broker.produce(topic, recs('c'), undefined, undefined, 'w2');
      expect(await keyRows(db, topic)).toBe(2);

      clock = start + 61_000 + 60_001; // both keys (taken at start + 61 s) are now older than the window
      const report = await maintainLogs(db, clock, undefined, undefined, broker.idempotencyWindowMs);
      expect(report.idempotencyKeysExpired).toBeGreaterThanOrEqual(2);
      expect(await keyRows(db, topic)).toBe(0);
    } finally {
      clock = Date.now();
    }
  });

  it('a request over several partitions commits its records and its key together, or neither', async () => {
    const topic = uniqueName('idem');
    await broker.createTopic({ name: topic, partitions: 3 });
    const batch: ProduceRecord[] = [0, 1, 2, 0, 1, 2].map((p, i) => ({ value: text(`v${i}`), partition: p }));
    // Fail the transaction at its very end (storing the result), after the records of every partition were written.
    const fail = `fail_${uniqueName('t').replace(/-/g, '_')}`;
    await db.query(
      `CREATE FUNCTION ${fail}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.key = 'atomic' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`,
    );
    await db.query(`CREATE TRIGGER ${fail} BEFORE UPDATE ON produce_idempotency_keys FOR EACH ROW EXECUTE FUNCTION ${fail}()`);
    // Partition 0 written once: this process now knows its segments (the next small request takes one statement).
    await broker.produce(topic, [{ value: text('warm'), partition: 0 }], undefined, undefined, 'warm');
    const before = await snapshotState(db);
    try {
      await expect(broker.produce(topic, batch, undefined, undefined, 'atomic')).rejects.toThrow(/injected failure/);
      // A small request to one partition (the one-statement path) too.
      await expect(broker.produce(topic, [{ value: text('one'), partition: 0 }], undefined, undefined, 'atomic')).rejects.toThrow(
        /injected failure/,
      );
      expect(await snapshotState(db)).toBe(before);
      expect(await keyRows(db, topic)).toBe(1); // 'warm' only
    } finally {
      await db.query(`DROP TRIGGER ${fail} ON produce_idempotency_keys`);
      await db.query(`DROP FUNCTION ${fail}()`);
    }
    const first = await broker.produce(topic, batch, undefined, undefined, 'atomic');
    // 'warm' sits before them in partition 0.
    expect(first.map((r) => r.offset)).toEqual([1, 0, 0, 2, 1, 1]);
    expect(await broker.produce(topic, batch, undefined, undefined, 'atomic')).toEqual(first);
    expect(await count(db, topic)).toBe(7);
  });

  it('coalesces concurrent keyed requests to a partition; a retry among them is answered, not written', async () => {
    const topic = uniqueName('idem');
    await broker.createTopic({ name: topic, partitions: 1 });
    const sends = Array.from({ length: 40 }, (_, i) => broker.produce(topic, recs(`m${i % 20}`), undefined, undefined, `c${i % 20}`));
    const results = await Promise.all(sends);
    // Keys c0..c19 each sent twice at once: one write each, the second answered with the first's offset.
    for (let i = 0; i < 20; i++) expect(results[i + 20]).toEqual(results[i]);
    expect(new Set(results.slice(0, 20).map((r) => r[0].offset)).size).toBe(20);
    expect(await count(db, topic)).toBe(20);
  });

  it('a key deleted with its topic: the re-created topic takes the key as new', async () => {
    const topic = uniqueName('idem');
    await broker.createTopic({ name: topic, partitions: 1 });
    await broker.produce(topic, recs('a', 'b'), undefined, undefined, 'k');
    await broker.deleteTopic(topic);
    await broker.createTopic({ name: topic, partitions: 1 });
    expect(await broker.produce(topic, recs('z'), undefined, undefined, 'k')).toEqual([{ partition: 0, offset: 0 }]);
  });
});

describe.each(testBackends())('idempotency keys across two engines on one database (%s)', (backend) => {
  it('concurrent requests with one key: exactly one writes, every one gets its offsets', async () => {
    const db1 = await openTestDatabase(backend);
    // Postgres: a second pool, as a second process would have. PGlite has one connection: a second engine on it.
    const db2 = backend === 'postgres' ? await openTestDatabase(backend) : db1;
    const a = createBroker(db1);
    const b = createBroker(db2);
    try {
      const topic = uniqueName('idem2');
      await a.createTopic({ name: topic, partitions: 4 });
      for (let round = 0; round < 5; round++) {
        // Multi-partition requests (own transaction) and single-partition ones (coalesced), same key from both engines.
        const multi = [0, 1, 2, 3].map((p) => ({ value: text(`r${round}-${p}`), partition: p }));
        const single = [{ value: text(`s${round}`), partition: round % 4 }];
        const calls = [];
        for (let i = 0; i < 6; i++) {
          const engine = i % 2 === 0 ? a : b;
          calls.push(engine.produce(topic, multi, undefined, undefined, `multi-${round}`));
          calls.push(engine.produce(topic, single, undefined, undefined, `single-${round}`));
        }
        const results = await Promise.all(calls);
        for (let i = 2; i < results.length; i++) expect(results[i]).toEqual(results[i % 2]);
      }
      expect(await count(db1, topic)).toBe(5 * 4 + 5);

      // The topic deleted and re-created by the other engine: this one's cached topic id is stale.
      await a.produce(topic, recs('cached'), undefined, undefined, 'stale');
      await b.deleteTopic(topic);
      await b.createTopic({ name: topic, partitions: 1 });
      expect(await a.produce(topic, recs('fresh'), undefined, undefined, 'stale')).toEqual([{ partition: 0, offset: 0 }]);
    } finally {
      await a.close();
      await b.close();
      await db1.close();
      if (db2 !== db1) await db2.close();
    }
  });
});
