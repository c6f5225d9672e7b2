import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, testBackends, uniqueName } from '@/db/testing';
import { type Broker, createBroker } from '@/server/broker';

const HOUR = 3_600_000;

/**
 * A long poll must measure maxWaitMs on one clock. The broker's clock is injected (`now`); when it
 * disagrees with the process clock, a fetch still waits about maxWaitMs: not for the skew (clock ahead),
 * and not in a busy loop of reads (clock behind).
 */
describe.each(testBackends())('long-poll with a skewed broker clock on %s', (backend) => {
  let db: Database;
  let reads = 0;
  const brokers: Broker[] = [];
  const topic = uniqueName('skew');

  /** A broker whose clock is `skewMs` off, on the same real database, counting the statements it sends. */
  const skewed = async (skewMs: number) => {
    const counting: Database = {
      ...db,
      query: (text, params, options) => {
        reads++;
        return db.query(text, params, options);
      },
    };
    const broker = createBroker(counting, { now: () => Date.now() + skewMs });
    await broker.start();
    brokers.push(broker);
    return broker;
  };

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    const admin = createBroker(db);
    await admin.createTopic({ name: topic, partitions: 1 });
    await admin.close();
  });
  afterAll(async () => {
    for (const b of brokers) await b.close();
    await db?.close();
  });

  it('returns after maxWaitMs, not after the skew, when the broker clock is an hour ahead', { timeout: 15_000 }, async () => {
    const broker = await skewed(HOUR);
    const f = await broker.fetch({ topic, partition: 0, offset: 0, maxWaitMs: 200 });
    expect(f.records).toEqual([]);
  });

  it('waits instead of re-reading in a loop when the broker clock is an hour behind', { timeout: 15_000 }, async () => {
    const broker = await skewed(-HOUR);
    reads = 0;
    const f = await broker.fetch({ topic, partition: 0, offset: 0, maxWaitMs: 300 });
    expect(f.records).toEqual([]);
    // One read, one wait, one read after it (plus a watermark re-check); a busy loop makes hundreds.
    expect(reads).toBeLessThan(10);
  });

  it('a live tail waits instead of re-reading in a loop when the broker clock is an hour behind', { timeout: 15_000 }, async () => {
    const broker = await skewed(-HOUR);
    const stop = new AbortController();
    const tail = broker.tail(topic, [0], null, stop.signal);
    reads = 0;
    const next = tail.next();
    await new Promise((r) => setTimeout(r, 300)); // nothing is produced: the tail should sleep meanwhile
    stop.abort();
    expect((await next).done).toBe(true);
    expect(reads).toBeLessThan(10);
  });
});
