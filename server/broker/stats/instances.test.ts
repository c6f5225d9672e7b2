import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { openTestDatabase, testBackends } from '@/db/testing';
import { createBroker } from '../index';
import { INSTANCE_ALIVE_MS, InstanceRegistration, listInstances } from './instances';
import { kafkaNodeId, listKafkaBrokers } from './kafka-brokers';

describe.each(testBackends())('instances (%s)', (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(backend);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('counts an alive instance up to now, not to its last heartbeat (it showed "8 ms" for a heartbeat period)', async () => {
    const start = 1_800_000_000_000;
    const reg = new InstanceRegistration(db, 'test', start);
    await reg.heartbeat(start + 8); // the first heartbeat, right after start
    try {
      const mine = async (now: number) => (await listInstances(db, now)).find((i) => i.instanceId === reg.instanceId);
      expect((await mine(start + 4_000))?.uptimeMs).toBe(4_000);
      // Gone (no heartbeat for longer than INSTANCE_ALIVE_MS): its uptime ends at its last heartbeat.
      const gone = await mine(start + 60_000);
      expect(gone?.alive).toBe(false);
      expect(gone?.uptimeMs).toBe(8);
    } finally {
      await reg.leave();
    }
  });
});

describe.each(testBackends())('Kafka broker identity (%s)', (backend) => {
  let db: Database;
  let other: Database;
  beforeAll(async () => {
    db = await openTestDatabase(backend);
    // A second connection pool on the same database stands for a second Brook process (on PGlite, the same one).
    other = backend === 'postgres' ? await openTestDatabase(backend) : db;
  });
  afterAll(async () => {
    if (other !== db) await other?.close();
    await db?.close();
  });

  const listening = (advertised: string, connections = 0) =>
    ({ state: 'listening', listener: advertised, advertised, connections: () => connections }) as const;

  it('gives an advertised address the same node id across restarts, and distinct addresses distinct ids, concurrently', async () => {
    const now = Date.now();
    const suffix = Math.random().toString(36).slice(2, 8);
    const addresses = Array.from({ length: 8 }, (_, i) => `broker-${i}-${suffix}.test:9092`);
    // Two "processes" register every address at once: Postgres hands out one id per address.
    const first = await Promise.all(addresses.flatMap((a) => [kafkaNodeId(db, a), kafkaNodeId(other, a)]));
    for (let i = 0; i < addresses.length; i++) expect(first[2 * i]).toBe(first[2 * i + 1]);
    const ids = addresses.map((_, i) => first[2 * i]);
    expect(new Set(ids).size).toBe(addresses.length);

    // A restarted instance (a new registration, new instance id) advertising the same address keeps its id.
    const before = new InstanceRegistration(db, 'test', now);
    expect(await before.reportKafka(listening(addresses[3]), now)).toBe(ids[3]);
    await before.leave();
    const after = new InstanceRegistration(other, 'test', now + 1000);
    expect(await after.reportKafka(listening(addresses[3]), now + 1000)).toBe(ids[3]);
    expect(after.kafkaNodeId).toBe(ids[3]);
    await after.leave();
  });

  it('lists live listening instances as Kafka brokers, with their connections and states on the instances list', async () => {
    const now = Date.now();
    const suffix = Math.random().toString(36).slice(2, 8);
    const a = new InstanceRegistration(db, 'test', now);
    const b = new InstanceRegistration(other, 'test', now);
    const off = new InstanceRegistration(db, 'test', now);
    const taken = new InstanceRegistration(db, 'test', now);
    const gone = new InstanceRegistration(db, 'test', now - 60_000);
    try {
      const idA = await a.reportKafka(listening(`a-${suffix}.test:9092`, 3), now);
      const idB = await b.reportKafka(listening(`[::1]:${19000 + Math.floor(Math.random() * 1000)}`), now);
      expect(await off.reportKafka({ state: 'off' }, now)).toBeNull();
      await taken.reportKafka({ state: 'unavailable', reason: 'port 9092 was taken' }, now);
      await gone.reportKafka(listening(`gone-${suffix}.test:9092`), now - 60_000);

      const brokers = (await listKafkaBrokers(db, now + 1, INSTANCE_ALIVE_MS)).filter((k) => k.nodeId === idA || k.nodeId === idB);
      expect(brokers).toEqual(
        [
          { nodeId: idA, host: `a-${suffix}.test`, port: 9092, rack: null },
          { nodeId: idB, host: '::1', port: expect.any(Number), rack: null },
        ].sort((x, y) => (x.nodeId as number) - (y.nodeId as number)),
      );
      const all = await listKafkaBrokers(db, now + 1, INSTANCE_ALIVE_MS);
      expect(all.some((k) => k.host === `gone-${suffix}.test`)).toBe(false);

      const instances = await listInstances(db, now + 1);
      const mine = (r: InstanceRegistration) => instances.find((i) => i.instanceId === r.instanceId)?.kafka;
      expect(mine(a)).toEqual({
        state: 'listening',
        listener: `a-${suffix}.test:9092`,
        advertised: `a-${suffix}.test:9092`,
        nodeId: idA,
        connections: 3,
      });
      expect(mine(off)).toMatchObject({ state: 'off', nodeId: null });
      expect(mine(taken)).toMatchObject({ state: 'unavailable', listener: 'port 9092 was taken' });
    } finally {
      await Promise.all([a, b, off, taken, gone].map((r) => r.leave()));
    }
  });
});

describe.each(testBackends())('broker.stats Kafka brokers through the engine facade (%s)', (backend) => {
  let db: Database;
  let other: Database;
  beforeAll(async () => {
    db = await openTestDatabase(backend);
    other = backend === 'postgres' ? await openTestDatabase(backend) : db;
  });
  afterAll(async () => {
    if (other !== db) await other?.close();
    await db?.close();
  });

  it('two engines on one database list each other as brokers with distinct node ids; a restarted one keeps its id', async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const report = (host: string) =>
      ({ state: 'listening', listener: `${host}:9092`, advertised: `${host}:9092`, connections: () => 0 }) as const;
    const one = createBroker(db);
    const two = createBroker(other);
    const idOne = await one.stats.reportKafkaListener(report(`one-${suffix}`));
    const idTwo = await two.stats.reportKafkaListener(report(`two-${suffix}`));
    expect(idOne).not.toBeNull();
    expect(idOne).not.toBe(idTwo);
    expect(one.stats.kafkaNodeId).toBe(idOne);
    const seenByOne = (await one.stats.kafkaBrokers()).filter((b) => b.host.endsWith(suffix));
    expect(seenByOne).toEqual((await two.stats.kafkaBrokers()).filter((b) => b.host.endsWith(suffix)));
    expect(seenByOne.map((b) => [b.nodeId, b.host, b.port])).toEqual(
      [
        [idOne, `one-${suffix}`, 9092],
        [idTwo, `two-${suffix}`, 9092],
      ].sort((a, b) => (a[0] as number) - (b[0] as number)),
    );

    await one.stats.registration.leave(); // stopped
    const again = createBroker(db);
    expect(await again.stats.reportKafkaListener(report(`one-${suffix}`))).toBe(idOne);
    await Promise.all([again, two].map((b) => b.stats.registration.leave()));
    expect((await two.stats.kafkaBrokers()).filter((b) => b.host.endsWith(suffix))).toEqual([]);
  });
});
