import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
import { closePools, startApp } from '../lib/app';
import { type BenchDatabase, KEY_BYTES, sampleRecord, sleep, VALUE_BYTES } from '../lib/env';
import { paced } from '../lib/paced';
import { percentile, type Row } from '../lib/report';
import { HTTP_CLIENTS, httpProduce } from './core-http';
import { brookConsumeRate, fill, MEMBERS } from './groups';

/**
 * Kafka clients against Brook's Kafka listener, next to the HTTP API's numbers
 * measured in the same run against the same app: kafkajs producer and group consumer, produce → consume
 * latency, and librdkafka through kcat.
 */
const SECTION = 'kafka';
const HTTP_PORT = 3393;
/** An explicit listener address: a Kafka (or another Brook) on 9092 must not be what is measured. */
const KAFKA_PORT = 19393;
const BATCH = 1000;

/**
 * The CPU seconds used so far by the process listening on `port` (the app), from /proc; null where that
 * cannot be read (not Linux, no `ss`): the notes then leave the server's share out.
 */
function processCpu(port: number): (() => number) | null {
  try {
    const pid = Number(/pid=(\d+)/.exec(execFileSync('ss', ['-ltnpH', `sport = :${port}`]).toString())?.[1]);
    const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString());
    if (!pid || !ticksPerSecond) return null;
    return () => {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond; // utime + stime
    };
  } catch {
    return null;
  }
}

interface Cpu {
  /** This (load-generating) process. */
  client: number;
  /** The app, when readable. */
  server: number | null;
}

/** Runs `fn` and answers its result with the CPU seconds the load generator and the app spent meanwhile. */
async function withCpu<T>(server: (() => number) | null, fn: () => Promise<T>): Promise<{ result: T; cpu: Cpu }> {
  const before = process.cpuUsage();
  const serverBefore = server?.() ?? 0;
  const result = await fn();
  const used = process.cpuUsage(before);
  return { result, cpu: { client: (used.user + used.system) / 1e6, server: server ? server() - serverBefore : null } };
}

/** "client x µs, Brook y µs" per record. */
const perRecord = (cpu: Cpu, records: number) =>
  `client ${((cpu.client / records) * 1e6).toFixed(1)} µs` +
  (cpu.server === null ? '' : `, Brook ${((cpu.server / records) * 1e6).toFixed(1)} µs`);

const kafkaClient = (brokers: string, clientId: string) => new Kafka({ clientId, brokers: [brokers], logLevel: logLevel.ERROR });

/** kafkajs producer: `HTTP_CLIENTS` concurrent senders (as the HTTP baseline), 1000 records per send, acks=-1, one partition. */
async function kafkajsProduce(kafka: Kafka, topic: string, sends: number): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    // Records are made before the clock starts, as the HTTP baseline's bodies are; kafkajs encodes each send.
    const batches = Array.from({ length: HTTP_CLIENTS }, (_, c) =>
      Array.from({ length: BATCH }, (_, i) => {
        const { key, value } = sampleRecord(c * BATCH + i);
        return { key: Buffer.from(key), value: Buffer.from(value), partition: 0 };
      }),
    );
    await producer.send({ topic, acks: -1, messages: batches[0].slice(0, 10) }); // warm up (metadata, connection)
    const t0 = performance.now();
    await Promise.all(
      batches.map(async (messages) => {
        for (let s = 0; s < sends / HTTP_CLIENTS; s++) await producer.send({ topic, acks: -1, messages });
      }),
    );
    return (sends * BATCH) / ((performance.now() - t0) / 1000);
  } finally {
    await producer.disconnect();
  }
}

/** kafkajs consumer group of MEMBERS members reading a filled topic from the beginning; eachMessage only counts. */
async function kafkajsConsumeRate(kafka: Kafka, topic: string, total: number): Promise<number> {
  const consumers: Consumer[] = [];
  let consumed = 0;
  let started = 0;
  const done = new Promise<void>((resolve) => {
    for (let m = 0; m < MEMBERS; m++) {
      const c = kafka.consumer({ groupId: `kafkajs-${topic}`, maxBytesPerPartition: 8 << 20, maxBytes: 32 << 20 });
      // Commits every 5 s, as the client library's members do (kafkajs's default commits after every batch).
      consumers.push(c);
      void (async () => {
        await c.connect();
        await c.subscribe({ topics: [topic], fromBeginning: true });
        await c.run({
          autoCommitInterval: 5000,
          eachMessage: async () => {
            if (consumed === 0) started = performance.now();
            if (++consumed === total) resolve();
          },
        });
      })();
    }
  });
  await done;
  const rate = total / ((performance.now() - started) / 1000);
  await Promise.all(consumers.map((c) => c.disconnect()));
  return rate;
}

/** kafkajs producer (one record per send, acks=-1) → kafkajs group consumer, at `rate` records/s. */
async function kafkajsLatency(kafka: Kafka, topic: string, rate: number, seconds: number) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const total = rate * (seconds + 1);
  const warmup = rate;
  const latencies: number[] = [];
  const now = () => performance.timeOrigin + performance.now();
  const consumer = kafka.consumer({ groupId: `lat-${topic}`, maxWaitTimeInMs: 500 });
  const producer = kafka.producer();
  let received = 0;
  let joined: () => void = () => {};
  const ready = new Promise<void>((r) => (joined = r));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const all = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommitInterval: 5000,
        eachMessage: async ({ message }) => {
          const [seq, sent] = message.value!.toString().split(':').map(Number);
          if (seq >= warmup) latencies.push(now() - sent);
          if (++received === total) resolve();
        },
      });
    });
    await producer.connect();
    await ready;
    await sleep(1000); // following the end of the log
    await paced(rate, total, (i) => producer.send({ topic, acks: -1, messages: [{ value: `${i}:${now()}`, partition: 0 }] }));
    await all;
  } finally {
    await producer.disconnect();
    await consumer.disconnect();
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Runs a command (no shell) with stdin from a file and stdout to a file; resolves with its wall time in seconds. */
function timedRun(cmd: string, args: string[], stdinFile: string | null, stdoutFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const stdin = stdinFile ? fs.openSync(stdinFile, 'r') : 'ignore';
    const stdout = fs.openSync(stdoutFile, 'w');
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: [stdin, stdout, 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (typeof stdin === 'number') fs.closeSync(stdin);
      fs.closeSync(stdout);
      if (code === 0) resolve(seconds);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(0, 500)}`));
    });
  });
}

/** kcat (librdkafka): `-P` of a file of `lines` 100-byte lines into one partition, then `-C -e` of them all. */
async function kcatRates(bootstrap: string, kafka: Kafka, topic: string, lines: number) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-bench-kcat-'));
  try {
    const file = path.join(dir, 'lines.txt');
    const fd = fs.openSync(file, 'w');
    const chunk = 10_000;
    for (let i = 0; i < lines; i += chunk) {
      const n = Math.min(chunk, lines - i);
      fs.writeSync(fd, `${Array.from({ length: n }, (_, j) => `line-${i + j}-`.padEnd(VALUE_BYTES, 'a')).join('\n')}\n`);
    }
    fs.closeSync(fd);
    const produceSeconds = await timedRun('kcat', ['-P', '-b', bootstrap, '-t', topic, '-p', '0'], file, '/dev/null');
    const [{ high }] = (await admin.fetchTopicOffsets(topic)).map((p) => ({ high: Number(p.high) }));
    if (high !== lines) throw new Error(`kcat -P wrote ${high} records, not ${lines}`);
    // One byte per record on stdout, counted after: -e ends at the high watermark, so the count proves it read all.
    const out = path.join(dir, 'consumed.txt');
    const consumeSeconds = await timedRun(
      'kcat',
      ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '.'],
      null,
      out,
    );
    const consumed = fs.statSync(out).size;
    if (consumed !== lines) throw new Error(`kcat -C -e read ${consumed} records, not ${lines}`);
    return { produce: lines / produceSeconds, consume: lines / consumeSeconds };
  } finally {
    await admin.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function runKafkaBench(bench: BenchDatabase, quick: boolean): Promise<{ rows: Row[]; notes: string[] }> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const scale = quick ? 0.2 : 1;
  const sends = HTTP_CLIENTS * Math.round(25 * scale); // 200 requests of 1000 records, as core (3)
  const total = 6 * Math.ceil((quick ? 100_000 : 1_000_000) / 6);
  const kcatLines = quick ? 100_000 : 1_000_000;
  console.log(`filling a 6-partition topic with ${total.toLocaleString()} records...`);
  await fill(bench, 'bench-kafka-consume', total);

  const bootstrap = `127.0.0.1:${KAFKA_PORT}`;
  const app = await startApp(HTTP_PORT, { DATABASE_URL: bench.url, BROOK_KAFKA_LISTENER: bootstrap });
  const kafka = kafkaClient(bootstrap, 'brook-bench');
  try {
    console.log('produce: HTTP API, 1000 records/request...');
    const appCpu = processCpu(HTTP_PORT);
    const http = await withCpu(appCpu, () => httpProduce(app.url, 'bench-kafka-http-1000', sends));
    const httpRate = http.result;
    console.log('produce: kafkajs, 1000 records/send...');
    const kjs = await withCpu(appCpu, () => kafkajsProduce(kafka, 'bench-kafka-kafkajs-1000', sends));
    const kafkajsRate = kjs.result;
    notes.push(
      `Kafka produce, CPU per record (the load generator shares the cores with Brook and Postgres; topic creation and warm-up included): HTTP ${perRecord(http.cpu, sends * BATCH)} (bodies pre-serialized); kafkajs ${perRecord(kjs.cpu, sends * BATCH)} (its encoding included).`,
    );
    rows.push({
      section: SECTION,
      case: `HTTP produce, 1000 records/request, ${HTTP_CLIENTS} clients (baseline)`,
      value: httpRate,
      unit: 'rec/s',
    });
    rows.push({
      section: SECTION,
      case: `kafkajs produce, 1000 records/send, acks=-1, ${HTTP_CLIENTS} concurrent sends`,
      value: kafkajsRate,
      unit: 'rec/s',
      ratio: kafkajsRate / httpRate,
      baseline: 'of HTTP',
      target: '>= 1.5x',
      met: kafkajsRate / httpRate >= 1.5,
    });

    console.log('consume: client library group over HTTP...');
    const httpC = await withCpu(appCpu, () => brookConsumeRate(app.url, 'bench-kafka-consume', total));
    const httpConsume = httpC.result;
    console.log('consume: kafkajs group...');
    const kjsC = await withCpu(appCpu, () => kafkajsConsumeRate(kafka, 'bench-kafka-consume', total));
    const kafkajsConsume = kjsC.result;
    notes.push(
      `Kafka consume, CPU per record (joins and rebalances included): client library over HTTP ${perRecord(httpC.cpu, total)}; kafkajs ${perRecord(kjsC.cpu, total)}.`,
    );
    rows.push({
      section: SECTION,
      case: `client library: ${MEMBERS} members consume ${total.toLocaleString()} records over HTTP (baseline)`,
      value: httpConsume,
      unit: 'rec/s',
    });
    rows.push({
      section: SECTION,
      case: `kafkajs: ${MEMBERS} members consume the same ${total.toLocaleString()} records`,
      value: kafkajsConsume,
      unit: 'rec/s',
      ratio: kafkajsConsume / httpConsume,
      baseline: 'of HTTP',
      target: '>= 2x',
      met: kafkajsConsume / httpConsume >= 2,
    });

    console.log('latency: kafkajs produce -> kafkajs group consumer at 1,000 rec/s...');
    const lat = await kafkajsLatency(kafka, 'bench-kafka-latency', 1000, quick ? 3 : 10);
    rows.push({ section: SECTION, case: 'kafkajs produce (1/send) -> kafkajs eachMessage p50, 1,000 rec/s', value: lat.p50, unit: 'ms' });
    rows.push({
      section: SECTION,
      case: 'kafkajs produce (1/send) -> kafkajs eachMessage p99',
      value: lat.p99,
      unit: 'ms',
      target: '<= 15 ms',
      met: lat.p99 <= 15,
    });

    console.log(`kcat: -P of ${kcatLines.toLocaleString()} lines, then -C -e...`);
    const kcat = await kcatRates(bootstrap, kafka, 'bench-kafka-kcat', kcatLines);
    rows.push({
      section: SECTION,
      case: `kcat -P of a ${kcatLines.toLocaleString()}-line file (librdkafka defaults)`,
      value: kcat.produce,
      unit: 'rec/s',
    });
    rows.push({ section: SECTION, case: 'kcat -C -o beginning -e of the same records', value: kcat.consume, unit: 'rec/s' });
  } finally {
    await app.stop();
    await closePools();
  }
  notes.push(
    `Kafka: one Brook process (the built app) with its Kafka listener on ${bootstrap}; the load generators (kafkajs, the HTTP client, kcat) run on the same cores. Records are ${KEY_BYTES}-byte keys and ${VALUE_BYTES}-byte values (kcat: ${VALUE_BYTES}-byte lines, no key).`,
  );
  notes.push(
    'Kafka produce: kafkajs encodes each 1000-record batch (uncompressed record batch v2) per send; the HTTP baseline sends pre-serialized JSON bodies. Consume: both groups start from the beginning of the same filled topic, commit every 5 s; eachMessage only counts. Latency: one record per send (kafkajs has no linger), consumer in the same process, first second is warm-up. kcat writes one byte per record, counted to prove it read them all.',
  );
  for (const note of notes) console.log(`- ${note}`);
  return { rows, notes };
}
