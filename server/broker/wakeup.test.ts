import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, testBackends, uniqueName } from '@/db/testing';
import { type Broker, createBroker } from '@/server/broker';
import { sleep, testBroker, until } from '@/server/broker/testing';

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

/** Group calls that wait server-side (a join waiting for members, a sync for its assignment) and shutdown. */
describe.each(testBackends())('group waits on %s', (backend) => {
  let broker: Broker;
  testBroker(backend, (env) => (broker = env.broker), { start: true });

  const settled = (p: Promise<unknown>) => {
    const state = { done: false };
    void p.then(() => (state.done = true));
    return state;
  };

  it('wakes the waiters of the group that changed, and only those; a timeout or an abort ends a wait too', async () => {
    const a = settled(broker.wakeup.waitForGroup('a', 600_000));
    const b = settled(broker.wakeup.waitForGroup('b', 600_000));
    broker.wakeup.groupChanged('a');
    await until(() => a.done, 'the waiter of group a');
    await sleep(50);
    expect(b.done).toBe(false);
    const abort = new AbortController();
    const c = settled(broker.wakeup.waitForGroup('b', 600_000, abort.signal));
    abort.abort();
    await until(() => c.done, 'the aborted wait');
    await broker.wakeup.waitForGroup('c', 20); // times out
    broker.wakeup.groupChanged('b');
    await until(() => b.done, 'the waiter of group b');
  });

  it('shutdown ends every wait in progress; group waits after it answer at once, partition waits still wait', async () => {
    const join = settled(broker.wakeup.waitForGroup('g', 600_000));
    const poll = settled(broker.wakeup.waitFor(-1, 0, 600_000));
    broker.wakeup.shutdown();
    expect(broker.wakeup.closingSignal.aborted).toBe(true);
    await until(() => join.done && poll.done, 'both waits woken');
    await broker.wakeup.waitForGroup('g', 600_000); // at once: a test timeout otherwise
    // A partition wait started now waits as before (callers that loop must not spin): a new record ends it.
    const later = settled(broker.wakeup.waitFor(-2, 0, 600_000));
    await sleep(50);
    expect(later.done).toBe(false);
    broker.wakeup.advanced(-2, 1);
    await until(() => later.done, 'the later partition wait');
  });
});

describe.each(testBackends())('one long poll over several partitions on %s', (backend) => {
  let broker: Broker;
  testBroker(backend, (env) => {
    broker = env.broker;
  });

  it('answers when any partition passes its offset, leaves no waiter behind, and answers at once for a partition that is gone', async () => {
    const topic = uniqueName('any');
    await broker.createTopic({ name: topic, partitions: 3 });
    let ended = false;
    const waiting = broker
      .fetchMany({ partitions: [0, 1, 2].map((partition) => ({ topic, partition, offset: 0 })), maxWaitMs: 30_000 })
      .then((outcomes) => {
        ended = true;
        return outcomes;
      });
    await sleep(100);
    expect(ended).toBe(false);
    await broker.produce(topic, [{ value: new TextEncoder().encode('x'), partition: 2 }]);
    const outcomes = await waiting;
    expect(outcomes.map((o) => ('ok' in o ? o.ok.records.length : -1))).toEqual([0, 0, 1]);
    // The other two partitions' waits ended with it.
    expect((broker as unknown as { wakeup: { waiters: Map<number, unknown> } }).wakeup.waiters.size).toBe(0);

    // An error answers at once: the fetch does not wait out its 30 s for the healthy partition.
    const answer = await Promise.race([
      broker.fetchMany({
        partitions: [
          { topic, partition: 0, offset: 0 },
          { topic: uniqueName('gone'), partition: 0, offset: 0 },
        ],
        maxWaitMs: 30_000,
      }),
      sleep(15_000).then(() => null),
    ]);
    expect(answer).not.toBeNull();
    const gone = (answer ?? [])[1];
    expect('error' in gone && gone.error.kafkaName).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });
});
