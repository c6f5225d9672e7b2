import { createPrivateCluster, freePort, type PrivateCluster } from '@/db/private-cluster';
import { Brook } from '@/server/client';
import { BrookHttp, type RetryOptions } from '@/server/client/http';
import { type BrookProcess, brookProcess } from '../brook-process';
import type { ChaosFlags } from '../flags';
import { sleep } from '../producers';
import { readLog } from '../read-log';
import { createRng } from '../rng';
import { checkKafka, type GroupObs, type KafkaVerdict } from './checker';
import type { GroupHandle, ProducerHandle } from './clients';
import { type PgFaultRecord, planPostgresFaults, runPostgresFaults } from './faults';
import { KafkajsGroup, KafkajsProducer } from './kafkajs';
import { RdkafkaGroup, RdkafkaProducer } from './rdkafka';
import { StallProbe } from './stall-probe';

export interface ClientSummary {
  name: string;
  errors: number;
  lastError: string;
  /** Assignments seen (groups) or producers made anew after a failed send (kafkajs). */
  assignments?: number;
  restartedCrashes?: number;
  remade?: number;
  /** librdkafka consumers: sessions the client timed out itself, then rejoined. */
  sessionTimeouts?: number;
  /** kafkajs's producer: how long its sends took, retries included (ms). */
  sendMs?: number[];
}

export interface KafkaRunResult {
  cycles: number;
  verdict: KafkaVerdict | null;
  faults: PgFaultRecord[];
  producers: ClientSummary[];
  groups: ClientSummary[];
  /** From the producers' stop until both groups had processed and committed everything (ms); null: never. */
  catchUpMs: number | null;
  brookUnexpectedExits: number;
  elapsedMs: number;
  /** What stopped the run before its check (a start that failed, a timeout), if anything. */
  error: string | null;
  brookLog: string;
  /** Each client's own last words (stderr of a Python client, kafkajs's warnings and errors). */
  diagnostics: Array<{ client: string; lines: string[] }>;
  /** What Brook's database sessions were doing while a recovery was slower than the bound (StallProbe). */
  stalls: string[];
}

const TOPIC = 'chaos-kafka';
const SESSION_TIMEOUT_MS = 10_000;
const HTTP_RETRY: RetryOptions = { attempts: 40, initialBackoffMs: 50, maxBackoffMs: 1_000, maxElapsedMs: 20_000 };

/**
 * The Kafka workload: the built Brook on a private Postgres cluster with its Kafka listener on, librdkafka
 * (Python) and kafkajs producers and consumer groups on one topic, Postgres stopped, crashed and restarted
 * under them, a quiet period, then the log read back through the HTTP API and checked.
 */
export async function runKafkaChaos(flags: ChaosFlags, entry: string, pgBin: string, say: (line: string) => void): Promise<KafkaRunResult> {
  const began = Date.now();
  const rng = createRng(flags.seed ^ 0x4b61);
  const result: KafkaRunResult = {
    cycles: flags.cycles,
    verdict: null,
    faults: [],
    producers: [],
    groups: [],
    catchUpMs: null,
    brookUnexpectedExits: 0,
    elapsedMs: 0,
    error: null,
    brookLog: '',
    diagnostics: [],
    stalls: [],
  };
  let cluster: PrivateCluster | null = null;
  let brook: BrookProcess | null = null;
  const producers: ProducerHandle[] = [];
  const groups: GroupHandle[] = [];
  let stopped = false;
  let probe: StallProbe | null = null;
  try {
    cluster = await createPrivateCluster(pgBin);
    await cluster.start();
    const kafkaPort = await freePort();
    const bootstrap = `127.0.0.1:${kafkaPort}`;
    brook = brookProcess(entry, flags.port || (await freePort()), { DATABASE_URL: cluster.url, BROOK_KAFKA_LISTENER: bootstrap });
    await brook.start();
    say(`Brook on ${brook.url}, Kafka listener ${bootstrap}, private Postgres cluster on port ${cluster.port}`);
    await new Brook({ url: brook.url, clientId: 'chaos-admin', retry: HTTP_RETRY })
      .admin()
      .createTopics({ topics: [{ topic: TOPIC, numPartitions: flags.partitions }] });

    const rd = { python: flags.python, bootstrap, topic: TOPIC };
    groups.push(new RdkafkaGroup('rdkafka-group', 'chaos-rdkafka', 2, SESSION_TIMEOUT_MS, rd));
    groups.push(new KafkajsGroup('kafkajs-group', 'chaos-kafkajs', 2, SESSION_TIMEOUT_MS, bootstrap, TOPIC));
    for (const g of groups) await g.start();
    producers.push(new RdkafkaProducer('rdkafka-idem', true, flags.rate, rng.int(0, 2 ** 31), rd));
    producers.push(new KafkajsProducer('kafkajs-idem', flags.kafkajsRate, flags.partitions, rng.fork(), bootstrap, TOPIC));
    producers.push(new RdkafkaProducer('rdkafka-plain', false, flags.plainRate, rng.int(0, 2 ** 31), rd));
    for (const p of producers) await p.start();

    const plan = planPostgresFaults(rng.fork(), { durationMs: flags.durationMs, cycles: flags.cycles });
    say(
      `${flags.durationMs / 1000} s of traffic; faults at ${plan.map((f) => `${(f.at / 1000).toFixed(1)} s ${f.kind}`).join(', ') || 'none'}`,
    );
    const workStarted = Date.now();
    const ackedSince = (t: number) => producers.every((p) => p.lastAckAt() >= t);
    const onBack = (f: PgFaultRecord) =>
      probe?.watch(`${f.kind} #${result.faults.length}`, f.backAt, flags.firstAckBoundMs, () => ackedSince(f.backAt));
    probe = new StallProbe(cluster.url, `${brook.url}/api/health`);
    await runPostgresFaults(plan, cluster, result.faults, ackedSince, (line) => say(`  ${line}`), onBack);
    const left = flags.durationMs - (Date.now() - workStarted);
    if (left > 0) await sleep(left);

    say('quiet period: the producers flush and stop, the groups catch up and commit');
    await Promise.all(producers.map((p) => p.stop()));
    const quietStarted = Date.now();
    const http = new BrookHttp({ url: brook.url, retry: HTTP_RETRY });
    const highWatermarks = async () => (await http.query('topics.get', { name: TOPIC })).partitionDetails;
    const committed = async (groupId: string) =>
      (await http.query('groups.fetchOffsets', { groupId, topics: [TOPIC] })).flatMap((t) =>
        t.partitions.map((p) => ({ partition: p.partition, offset: p.offset })),
      );
    for (;;) {
      const hw = await highWatermarks();
      let done = true;
      for (const g of groups) {
        const c = new Map((await committed(g.groupId)).map((x) => [x.partition, x.offset]));
        const settled = g.members().every((m) => m.alive && m.assigned.length > 0);
        if (!g.caughtUp(hw) || !settled || hw.some((p) => c.get(p.partition) !== p.highWatermark)) done = false;
      }
      if (done) {
        result.catchUpMs = Date.now() - quietStarted;
        break;
      }
      if (Date.now() - quietStarted > flags.quietTimeoutMs) break;
      await sleep(250);
    }
    // Who is in each group at the end, as the harness sees it and as Brook lists it, before they leave.
    const atEnd: Array<{ members: ReturnType<GroupHandle['members']>; brookMembers: number | null }> = [];
    for (const g of groups) {
      const described = await http.query('groups.describe', { groupId: g.groupId }).catch(() => null);
      atEnd.push({ members: g.members(), brookMembers: described ? described.members.length : null });
    }
    stopped = true;
    for (const g of groups) await g.stop();

    const { log, bounds } = await readLog(http, TOPIC, flags.partitions);
    const groupObs: GroupObs[] = [];
    for (const [i, g] of groups.entries()) {
      const end = atEnd[i];
      groupObs.push({
        name: g.name,
        processed: g.processed,
        commits: g.commits,
        finalCommitted: await committed(g.groupId),
        members: end.members,
        brookMembers: end.brookMembers,
        fatal: g.fatal,
      });
    }
    result.verdict = checkKafka({
      log,
      partitions: bounds,
      producers: producers.map((p) => ({
        name: p.name,
        idempotent: p.idempotent,
        sent: p.sent(),
        idPrefix: `${p.name}.`,
        acks: p.acks,
        deliveryFailures: p.deliveryFailures,
        fatal: p.fatal,
      })),
      groups: groupObs,
      recoveries: result.faults.map((f, i) => ({ kind: f.kind, backAt: f.backAt, until: result.faults[i + 1]?.stoppedAt })),
      firstAckBoundMs: flags.firstAckBoundMs,
    });
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  } finally {
    if (!stopped) {
      await Promise.all(producers.map((p) => p.kill().catch(() => {})));
      await Promise.all(groups.map((g) => g.kill().catch(() => {})));
    }
    result.producers = producers.map((p) => ({
      name: p.name,
      errors: p.errors,
      lastError: p.lastError,
      remade: p instanceof KafkajsProducer ? p.remade : undefined,
      sendMs: p instanceof KafkajsProducer ? p.sendMs : undefined,
    }));
    result.groups = groups.map((g) => ({
      name: g.name,
      errors: g.errors,
      lastError: g.lastError,
      assignments: g.assignments,
      restartedCrashes: g instanceof KafkajsGroup ? g.restartedCrashes : undefined,
      sessionTimeouts: g instanceof RdkafkaGroup ? g.sessionTimeouts : undefined,
    }));
    if (probe) {
      await probe.close();
      result.stalls = probe.lines;
    }
    result.diagnostics = [...producers, ...groups].map((c) => ({ client: c.name, lines: c.diagnostics() }));
    if (brook) {
      await brook.stop();
      result.brookUnexpectedExits = brook.unexpectedExits;
      result.brookLog = brook.log();
    }
    await cluster?.destroy();
    result.elapsedMs = Date.now() - began;
  }
  return result;
}
