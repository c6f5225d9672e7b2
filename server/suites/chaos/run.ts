import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPrivateCluster, freePort, type PrivateCluster } from '@/db/private-cluster';
import { Brook } from '@/server/client';
import { BrookHttp, type RetryOptions } from '@/server/client/http';
import { type BrookProcess, brookProcess } from './brook-process';
import { check, type Verdict } from './checker';
import { ConsumerGroup } from './consumers';
import { type FaultLog, planFaults, runFaults } from './faults';
import type { ChaosFlags } from './flags';
import { ProducerFleet, sleep } from './producers';
import { readLog } from './read-log';
import { createRng } from './rng';

export type ChaosDb = 'postgres' | 'pglite';

export interface HttpStats {
  requests: number;
  networkErrors: number;
  serverErrors: number;
  /**
   * Produce attempts whose outcome the client could not know: the connection broke after the request
   * left (not refused), the attempt timed out, or a 5xx came back. Their retries carry the same idempotency key.
   */
  producesInDoubt: number;
}

export interface RunResult {
  db: ChaosDb;
  verdict: Verdict | null;
  faults: FaultLog;
  sends: number;
  failedSends: number;
  lastSendError: string;
  revocations: number;
  fencings: number;
  http: HttpStats;
  brookUnexpectedExits: number;
  /** Time from the end of the workload until the group had processed everything (ms); null: it never did. */
  catchUpMs: number | null;
  elapsedMs: number;
  /** What stopped the run before its check (a start that failed, a timeout), if anything. */
  error: string | null;
  brookLog: string;
  /** The group's trace (membership, commits, every processing), written when the run failed. */
  traceFile: string | null;
}

const TOPIC = 'chaos';
const GROUP = 'chaos-group';
// Generous enough to ride out a restart of Brook or Postgres (queries, commits and the producer's sends, which
// keep their idempotency key across retries); a send that still fails counts as unacknowledged.
const CLIENT_RETRY: RetryOptions = { attempts: 40, initialBackoffMs: 50, maxBackoffMs: 1_000, maxElapsedMs: 20_000 };
const GROUP_SETTINGS = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, autoCommitIntervalMs: 500 };

/** One run against one database: workload and faults, a quiet period, then the log read back and checked. */
export async function runChaos(
  db: ChaosDb,
  flags: ChaosFlags,
  entry: string,
  pgBin: string | null,
  say: (line: string) => void,
): Promise<RunResult> {
  const began = Date.now();
  const rng = createRng(flags.seed ^ (db === 'postgres' ? 0x5a5a : 0xa5a5));
  const http: HttpStats = { requests: 0, networkErrors: 0, serverErrors: 0, producesInDoubt: 0 };
  const faults: FaultLog = { brookKills: 0, postgresStops: 0, brookStartsMs: [], postgresStartsMs: [] };
  const result: RunResult = {
    db,
    verdict: null,
    faults,
    sends: 0,
    failedSends: 0,
    lastSendError: '',
    revocations: 0,
    fencings: 0,
    http,
    brookUnexpectedExits: 0,
    catchUpMs: null,
    elapsedMs: 0,
    error: null,
    brookLog: '',
    traceFile: null,
  };
  let cluster: PrivateCluster | null = null;
  let dataDir: string | null = null;
  let brook: BrookProcess | null = null;
  let producers: ProducerFleet | null = null;
  let group: ConsumerGroup | null = null;
  try {
    const env: Record<string, string> = {};
    if (db === 'postgres') {
      if (!pgBin) throw new Error('no Postgres server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or PG_BIN: use --db pglite');
      cluster = await createPrivateCluster(pgBin);
      await cluster.start();
      env.DATABASE_URL = cluster.url;
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-chaos-'));
      dataDir = dir;
      process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
      env.BROOK_DATA_DIR = path.join(dataDir, 'pglite');
    }
    const port = flags.port || (await freePort());
    const server = brookProcess(entry, port, env);
    brook = server;
    faults.brookStartsMs.push(await brook.start());
    say(`${db}: Brook on ${brook.url} (${db === 'postgres' ? `private Postgres cluster on port ${cluster?.port}` : 'embedded PGlite'})`);

    const fetchFn = countingFetch(http);
    const client = (id: string) => new Brook({ url: server.url, clientId: id, fetch: fetchFn, retry: CLIENT_RETRY });
    await client('chaos-admin')
      .admin()
      .createTopics({ topics: [{ topic: TOPIC, numPartitions: flags.partitions }] });

    group = new ConsumerGroup(
      Array.from({ length: flags.consumers }, (_, i) => client(`chaos-consumer-${i}`)),
      GROUP,
      TOPIC,
      GROUP_SETTINGS,
    );
    await group.start();
    const fleet = new ProducerFleet(
      Array.from({ length: flags.producers }, (_, i) => client(`chaos-producer-${i}`)),
      TOPIC,
      `${db}-${flags.seed}`,
      flags.lanes,
      rng.fork(),
      { idempotent: true, retry: CLIENT_RETRY },
    );
    producers = fleet;
    fleet.start();

    const plan = planFaults(rng.fork(), {
      durationMs: flags.durationMs,
      brookKills: flags.cycles,
      postgresStops: db === 'postgres' ? flags.postgresCycles : 0,
    });
    say(
      `${db}: ${flags.durationMs / 1000} s of traffic; faults at ${plan.map((f) => `${(f.at / 1000).toFixed(1)} s ${f.kind}`).join(', ') || 'none'}`,
    );
    const workStarted = Date.now();
    await runFaults(plan, brook, cluster, faults, () => fleet.acks.length);
    const left = flags.durationMs - (Date.now() - workStarted);
    if (left > 0) await sleep(left);

    say(`${db}: quiet period: producers finish their sends, the group catches up`);
    await producers.stop();
    const quietStarted = Date.now();
    const admin = new BrookHttp({ url: brook.url, retry: CLIENT_RETRY });
    for (;;) {
      const topic = await admin.query('topics.get', { name: TOPIC });
      if (group.caughtUp(topic.partitionDetails)) {
        result.catchUpMs = Date.now() - quietStarted;
        break;
      }
      if (Date.now() - quietStarted > flags.quietTimeoutMs) break;
      await sleep(250);
    }
    await group.stop();

    const { log, bounds } = await readLog(admin, TOPIC, flags.partitions);
    const offsets = await admin.query('groups.fetchOffsets', { groupId: GROUP, topics: [TOPIC] });
    result.verdict = check({
      sent: producers.sent,
      acks: producers.acks,
      partitions: bounds,
      log,
      processed: group.processed,
      spans: [...group.spans.values()],
      committed: offsets.flatMap((t) => t.partitions.map((p) => ({ partition: p.partition, offset: p.offset }))),
    });
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  } finally {
    if (producers)
      Object.assign(result, { sends: producers.sends, failedSends: producers.failedSends, lastSendError: producers.lastError });
    if (group) Object.assign(result, { revocations: group.revocations, fencings: group.fencings });
    if (group && (result.error || result.verdict?.failures.length)) {
      result.traceFile = path.join(os.tmpdir(), `brook-chaos-${db}-${flags.seed}.trace`);
      fs.writeFileSync(result.traceFile, `${group.trace.join('\n')}\n`);
    }
    if (result.error) {
      await producers?.stop().catch(() => {});
      await group?.stop().catch(() => {});
    }
    if (brook) {
      await brook.stop();
      result.brookUnexpectedExits = brook.unexpectedExits;
      result.brookLog = brook.log();
    }
    await cluster?.destroy();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    result.elapsedMs = Date.now() - began;
  }
  return result;
}

/** fetch, counting requests, network failures, 5xx answers (what the clients' retries rode out) and produces in doubt. */
function countingFetch(stats: HttpStats): typeof fetch {
  return async (input, init) => {
    stats.requests++;
    const produce = String(input).includes('/records.produce');
    try {
      const res = await fetch(input, init);
      if (res.status >= 500) {
        stats.serverErrors++;
        if (produce) stats.producesInDoubt++;
      }
      return res;
    } catch (err) {
      // A produce attempt aborted is one the producer gave up waiting for (requestTimeoutMs): in doubt too.
      if (produce && (err as { cause?: { code?: string } }).cause?.code !== 'ECONNREFUSED') stats.producesInDoubt++;
      if (!init?.signal?.aborted) stats.networkErrors++;
      throw err;
    }
  };
}
