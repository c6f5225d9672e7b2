import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrivateCluster, type PrivateCluster, postgresBinDir } from '@/db/private-cluster';
import { uniqueName } from '@/db/testing';
import { type AnswerData, type ApiAnswer, callApi } from '@/server/api/test-server';
import type { Broker } from '@/server/broker';
import { type Services, startServices } from '@/server/broker/services';
import { sleep } from '@/server/broker/testing';
import { getRuntime, shutdownRuntime } from '@/server/runtime';
import { healthLive as live } from '@/server/serve/health-live';
import { healthReady as ready } from '@/server/serve/health-ready';

/**
 * A real Postgres outage: Brook runs on a private cluster that is stopped (2 s, 10 s) and restarted under
 * producers, a long-polling fetcher, a group member and the background loops. Brook must come back by
 * itself, lose nothing it acknowledged, keep every pool slot, and answer 503 (retriable, no host) meanwhile.
 */
const binDir = postgresBinDir();
if (!binDir)
  console.warn('[brook] outage test skipped: no Postgres server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or PG_BIN');

const POOL = 6;

interface Answer<T = unknown> {
  path: string;
  status: number;
  body: ApiAnswer<T>;
}

describe.skipIf(!binDir)('Postgres outage on a private cluster', () => {
  let cluster: PrivateCluster;
  let broker: Broker;
  let services: Services;
  const saved = { ...process.env };

  const call = async <P extends string>(method: 'GET' | 'POST', path: P, input: unknown): Promise<Answer<AnswerData<P>>> => ({
    path,
    ...(await callApi(broker, method, path, input)),
  });

  beforeAll(async () => {
    cluster = await createPrivateCluster(binDir!);
    await cluster.start();
    // A short hold: this test is about the answers while the database stays away (db/hold.ts holds calls 10 s by default).
    Object.assign(process.env, {
      DATABASE_URL: cluster.url,
      BROOK_DB_POOL: String(POOL),
      BROOK_LIVENESS_TIMEOUT_MS: '4000',
      BROOK_DB_HOLD_MS: '1000',
    });
    broker = (await getRuntime()).broker;
    services = startServices(broker, { logMaintenanceMs: 300, groupExpiryMs: 300, lagSampleMs: 300 });
  }, 60_000);

  afterAll(async () => {
    try {
      // Bounded: after a failure the engine may still be waiting on the database.
      const stop = async () => {
        await services?.stop();
        await shutdownRuntime();
      };
      await Promise.race([stop(), sleep(10_000)]);
    } finally {
      await cluster?.destroy();
      process.env = saved;
    }
  });

  it('recovers from stops and restarts under traffic, loses nothing acknowledged, keeps its pool', async () => {
    const topic = uniqueName('outage');
    expect((await call('POST', 'topics.create', { name: topic, partitions: 3 })).status).toBe(200);

    const acked: { partition: number; offset: number; value: string }[] = [];
    const errors: Answer[] = [];
    let running = true;
    let lastOk = 0;

    const producer = async (id: number) => {
      for (let n = 0; running; n++) {
        const value = `p${id}-${n}`;
        const r = await call('POST', 'records.produce', { topic, records: [{ value, partition: n % 3 }] });
        if (r.status === 200) {
          acked.push({ ...r.body.result.data.results[0], value });
          lastOk = acked.length;
        } else {
          errors.push(r);
          await sleep(100);
        }
      }
    };
    const fetcher = async () => {
      let offset = 0;
      while (running) {
        const r = await call('GET', 'records.fetch', { topic, partition: 0, offset, maxWaitMs: 200 });
        if (r.status === 200) offset += r.body.result.data.records.length;
        else {
          errors.push(r);
          await sleep(100);
        }
      }
    };
    const member = async () => {
      let memberId: string | null = null;
      let memberEpoch = 0;
      while (running) {
        const r: Answer<AnswerData<'groups.heartbeat'>> = await call('POST', 'groups.heartbeat', {
          groupId: `${topic}-g`,
          memberId,
          memberEpoch,
          topics: [topic],
        });
        if (r.status === 200) ({ memberId, memberEpoch } = r.body.result.data);
        else {
          errors.push(r);
          // Fenced or unknown after a long outage (the session expired): join again, as a client would.
          if (r.status < 500) [memberId, memberEpoch] = [null, 0];
        }
        await sleep(100);
      }
    };
    const traffic = [producer(1), producer(2), producer(3), fetcher(), member()];

    /** Until a produce succeeds again: the engine recovered by itself. */
    const recovered = async (phase: string) => {
      const before = lastOk;
      const since = performance.now();
      for (let i = 0; i < 400 && lastOk === before; i += 1) await sleep(50);
      expect(lastOk, 'a produce succeeded after the database came back').toBeGreaterThan(before);
      console.log(`[outage] ${phase}: first acknowledged produce ${Math.round(performance.now() - since)} ms after the server was back`);
    };
    const probes: { phase: string; ready: Answer; live?: number }[] = [];
    const probeReady = async (phase: string, withLive = false) => {
      // Liveness first: readiness may itself wait up to 2 s, which would blur the liveness timing.
      const liveStatus = withLive ? (await live()).status : undefined;
      const res = await ready();
      probes.push({ phase, ready: { path: 'health', status: res.status, body: await res.json() }, live: liveStatus });
    };

    // postgres.js without its outage fixes (installed with --ignore-scripts) takes no traffic; pg needs none.
    const unpatched = await ready(() => false);
    if ((await getRuntime()).db.library === 'postgres.js')
      expect([unpatched.status, (await unpatched.json()).status]).toEqual([503, 'driver without its outage fixes (run npm install)']);
    else expect(unpatched.status).toBe(200);
    expect((await ready()).status).toBe(200);

    await sleep(500);
    // 1. A 2 s stop (fast shutdown: sessions terminated with 57P01), then start.
    await cluster.stop('fast');
    await sleep(2000);
    await cluster.start();
    await recovered('2 s stop');

    // 2. A 10 s crash stop (immediate: recovery from WAL), with readiness and liveness probed meanwhile.
    await cluster.stop('immediate');
    await sleep(1000);
    await probeReady('down 1 s', true); // well inside the 4 s liveness timeout
    await sleep(6000);
    await probeReady('down 7 s', true); // well past it (plus readiness's own 2 s at most)
    await sleep(1000);
    await cluster.start();
    await recovered('10 s crash stop');
    // Readiness may still meet a pooled connection the crash killed (or its own 2 s bound on a loaded
    // machine): it must come back to 200 by itself within a few probes.
    for (let i = 0; i < 10; i++) {
      await probeReady('back', true);
      if (probes[probes.length - 1].ready.status === 200 || i === 9) break;
      probes.pop();
      await sleep(500);
    }

    // 3. A restart under traffic.
    await cluster.restart('fast');
    await recovered('restart');
    await sleep(300);
    running = false;
    await Promise.all(traffic);

    // While the database was down, answers were 503 + a retriable Kafka error naming no host or port.
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors.filter((x) => x.status >= 500)) {
      expect(e.status, JSON.stringify(e)).toBe(503);
      expect(e.body.error.data.kafka, e.path).toMatchObject({ retriable: true });
      expect(['KAFKA_STORAGE_ERROR', 'REQUEST_TIMED_OUT']).toContain(e.body.error.data.kafka.name);
      expect(JSON.stringify(e.body)).not.toMatch(new RegExp(`127\\.0\\.0\\.1|${cluster.port}|ECONN`));
    }
    // Readiness: 503 without the host while down, 200 once back; liveness fails only after its timeout.
    const [down1, down7, back] = probes;
    expect(down1.ready.status).toBe(503);
    expect(JSON.stringify(down1.ready.body)).not.toMatch(new RegExp(`127\\.0\\.0\\.1|${cluster.port}`));
    expect(down1.live).toBe(200);
    expect(down7.ready.status).toBe(503);
    expect(down7.live).toBe(503);
    expect(back.ready.status).toBe(200);
    expect(back.live).toBe(200);

    // Every acknowledged record is there, at the offset it was acknowledged with, and offsets are dense.
    for (const partition of [0, 1, 2]) {
      const log: { offset: number; value: string }[] = [];
      for (;;) {
        const page = await broker.fetch({ topic, partition, offset: log.length });
        log.push(...page.records.map((r) => ({ offset: r.offset, value: Buffer.from(r.value!).toString() })));
        if (log.length >= page.highWatermark || page.records.length === 0) break;
      }
      for (const [i, r] of log.entries()) expect(r.offset).toBe(i);
      for (const a of acked.filter((x) => x.partition === partition)) expect(log[a.offset]?.value).toBe(a.value);
    }
    expect(acked.length).toBeGreaterThan(30);
    console.log(`[outage] ${acked.length} produces acknowledged, ${errors.length} calls answered with errors meanwhile`);

    // No pool slot was lost: POOL calls that each hold a connection run on POOL distinct backends. (A slot
    // may be between reconnects at the first try, and a connection the restart terminated while idle may
    // answer its next statement with that termination (57P01) once; a lost slot never serves again, so a
    // few tries suffice.)
    const { db } = await getRuntime();
    let distinct = 0;
    const failures: string[] = [];
    for (let attempt = 0; attempt < 5 && distinct < POOL; attempt++) {
      const all = Promise.all(
        Array.from({ length: POOL }, () => db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.3)')),
      );
      const rows = await Promise.race([
        all.catch((err: Error) => {
          failures.push(err.message);
          return [];
        }),
        sleep(15_000).then(() => null),
      ]);
      expect(rows, 'pool wedged').not.toBeNull();
      distinct = new Set(rows!.map((r) => r[0].pid)).size;
    }
    expect({ distinct, failures }).toMatchObject({ distinct: POOL });
  }, 90_000);
});
