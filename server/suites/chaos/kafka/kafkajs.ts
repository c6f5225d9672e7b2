import { type Consumer, Kafka, type LogEntry, logLevel, type Producer } from 'kafkajs';
import { sleep } from '../producers';
import { encodeRecord } from '../record-codec';
import type { Rng } from '../rng';
import type { Commit, KafkaAck, MemberAtEnd, Processed } from './checker';
import { Coverage, errorText, type GroupHandle, type ProducerHandle } from './clients';

// Retries that outlast any outage of the run (a 10 s stop and Postgres' start): 30 of at most 2 s each.
const RETRY = { retries: 30, initialRetryTime: 100, maxRetryTime: 2_000 };
const MAX_BATCH = 10;
/** How long stop() waits for the send in flight: librdkafka's message.timeout.ms (120 s) and then some. */
const STOP_WAIT_MS = 150_000;

const LOG_LINES = 40;

/** A kafkajs client whose warnings and errors go to `logs` (the last 40), for a failed run's report. */
function kafkaClient(clientId: string, bootstrap: string, logs: string[]): Kafka {
  const logCreator = () => (entry: LogEntry) => {
    const { timestamp, message, ...extra } = entry.log;
    logs.push(`${timestamp} ${clientId} ${entry.label} [${entry.namespace}] ${message} ${JSON.stringify(extra)}`);
    if (logs.length > LOG_LINES) logs.shift();
  };
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.WARN, logCreator, retry: RETRY });
}

/**
 * kafkajs's idempotent producer (maxInFlightRequests 1, as kafkajs requires, acks -1) in this process:
 * batches of 1 to 10 unique ids, each record on a partition the seeded rng picks (so each record's offset is
 * its partition's baseOffset plus its place among that partition's records of the batch), at `rate` records
 * a second. A send that fails after its retries counts its records as given up on; the producer is then
 * made anew (a new producer id): kafkajs advances its sequence numbers only on success, so the same one
 * would send the next batch under the sequence of one the broker may have written.
 */
export class KafkajsProducer implements ProducerHandle {
  readonly idempotent = true;
  readonly acks: KafkaAck[] = [];
  readonly fatal: string[] = [];
  deliveryFailures = 0;
  errors = 0;
  lastError = '';
  /** Producers made anew after a failed send. */
  remade = 0;
  /** How long each send took, retries included (ms). */
  readonly sendMs: number[] = [];
  private readonly logs: string[] = [];
  private readonly ids: string[] = [];
  private latestAck = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  /** The records of the send in flight (0: none). */
  private inFlight = 0;
  /** stop() gave up waiting for the send in flight: whatever it comes to is no longer counted. */
  private abandoned = false;
  private producer: Producer | null = null;
  private readonly kafka: Kafka;

  constructor(
    /** Also the ids' prefix: `<name>.<seq>`. */
    readonly name: string,
    private readonly rate: number,
    private readonly partitions: number,
    private readonly rng: Rng,
    bootstrap: string,
    private readonly topic: string,
  ) {
    this.kafka = kafkaClient(name, bootstrap, this.logs);
  }

  async start(): Promise<void> {
    this.producer = await this.connect();
    this.running = true;
    this.loop = this.run();
  }

  private async connect(): Promise<Producer> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: RETRY });
    await producer.connect();
    return producer;
  }

  private async run(): Promise<void> {
    const began = Date.now();
    while (this.running) {
      const due = began + (this.ids.length / this.rate) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
      const batch = Array.from({ length: this.rng.int(1, MAX_BATCH) }, () => {
        const id = `${this.name}.${this.ids.length}`;
        this.ids.push(id);
        let pad = '';
        for (let n = this.rng.int(0, 48); n > 0; n--) pad += String.fromCharCode(97 + this.rng.int(0, 25));
        return { id, partition: this.rng.int(0, this.partitions - 1), ...encodeRecord(id, pad) };
      });
      const sendStarted = Date.now();
      this.inFlight = batch.length;
      try {
        if (!this.producer) this.producer = await this.connect();
        const results = await this.producer.send({
          topic: this.topic,
          acks: -1,
          messages: batch.map(({ key, value, partition }) => ({ key, value, partition })),
        });
        const t = Date.now();
        if (this.abandoned) return;
        this.sendMs.push(t - sendStarted);
        const base = new Map(results.map((r) => [r.partition, Number(r.baseOffset)]));
        const placed = new Map<number, number>();
        for (const m of batch) {
          const k = placed.get(m.partition) ?? 0;
          placed.set(m.partition, k + 1);
          this.acks.push({ id: m.id, partition: m.partition, offset: (base.get(m.partition) ?? Number.NaN) + k, t });
        }
        this.latestAck = t;
        this.inFlight = 0;
      } catch (err) {
        if (this.abandoned) return;
        this.inFlight = 0;
        this.deliveryFailures += batch.length;
        this.errors++;
        this.lastError = `${new Date().toISOString()} send of ${batch[0].id}..: ${errorText(err)}`;
        const old = this.producer;
        this.producer = null;
        this.remade++;
        await old?.disconnect().catch(() => {});
      }
    }
  }

  sent(): string[] {
    return this.ids;
  }

  lastAckAt(): number {
    return this.latestAck;
  }

  /**
   * Lets the send in flight finish, for at most 150 s: a send Brook never answers would otherwise keep
   * kafkajs retrying (30 s per attempt) for many minutes. Its records then count as given up on.
   */
  async stop(): Promise<void> {
    this.running = false;
    const finished = await Promise.race([this.loop.then(() => true), sleep(STOP_WAIT_MS).then(() => false)]);
    if (!finished) {
      this.abandoned = true;
      this.deliveryFailures += this.inFlight;
      this.lastError = `${new Date().toISOString()} a send of ${this.inFlight} records still unanswered ${STOP_WAIT_MS / 1000} s after the producer was told to stop`;
    }
    await this.producer?.disconnect().catch(() => {});
  }

  kill(): Promise<void> {
    return this.stop();
  }

  diagnostics(): string[] {
    return this.logs;
  }
}

interface Member {
  name: string;
  consumer: Consumer;
  assigned: number[];
  dead: boolean;
}

/** A kafkajs consumer group in this process: `size` members, eachMessage, autoCommit, from the beginning. */
export class KafkajsGroup implements GroupHandle {
  readonly processed: Processed[] = [];
  readonly commits: Commit[] = [];
  readonly fatal: string[] = [];
  assignments = 0;
  errors = 0;
  lastError = '';
  /** Crashes kafkajs restarted the consumer after. */
  restartedCrashes = 0;
  private readonly coverage = new Coverage();
  private readonly list: Member[] = [];
  private readonly logs: string[] = [];
  private stopping = false;

  constructor(
    readonly name: string,
    readonly groupId: string,
    private readonly size: number,
    private readonly sessionTimeoutMs: number,
    private readonly bootstrap: string,
    private readonly topic: string,
  ) {}

  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.size }, (_, i) => this.join(`kafkajs-m${i}`)));
  }

  private async join(name: string): Promise<void> {
    const consumer = kafkaClient(name, this.bootstrap, this.logs).consumer({
      groupId: this.groupId,
      sessionTimeout: this.sessionTimeoutMs,
      heartbeatInterval: 1_000,
      retry: RETRY,
    });
    const m: Member = { name, consumer, assigned: [], dead: false };
    this.list.push(m);
    const ev = consumer.events;
    consumer.on(ev.GROUP_JOIN, ({ payload }) => {
      m.assigned = [...(payload.memberAssignment[this.topic] ?? [])].sort((a, b) => a - b);
      this.assignments++;
    });
    consumer.on(ev.REBALANCING, () => {
      m.assigned = [];
    });
    consumer.on(ev.COMMIT_OFFSETS, ({ payload }) => {
      const t = Date.now();
      // kafkajs passes the partitions of its commits as strings (object keys).
      for (const topic of payload.topics)
        for (const p of topic.partitions) this.commits.push({ member: name, partition: Number(p.partition), offset: Number(p.offset), t });
    });
    consumer.on(ev.CRASH, ({ payload }) => {
      this.errors++;
      this.lastError = `${name} ${new Date().toISOString()} crashed: ${errorText(payload.error)} (restart: ${payload.restart})`;
      if (payload.restart) this.restartedCrashes++;
      else {
        m.dead = true;
        this.fatal.push(this.lastError);
      }
    });
    consumer.on(ev.STOP, () => {
      if (this.stopping || m.dead) return;
      m.dead = true;
      this.fatal.push(`${name} ${new Date().toISOString()} stopped by itself`);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        this.processed.push({ member: name, partition, offset, id: message.key?.toString('utf8') ?? null, t: Date.now() });
        this.coverage.add(partition, offset);
      },
    });
  }

  caughtUp(highWatermarks: ReadonlyArray<{ partition: number; highWatermark: number }>): boolean {
    return this.coverage.covers(highWatermarks);
  }

  members(): MemberAtEnd[] {
    return this.list.map((m) => ({ member: m.name, alive: !m.dead, assigned: m.assigned }));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.list.map((m) => m.consumer.disconnect().catch((err) => this.fatal.push(`${m.name}: disconnect failed: ${errorText(err)}`))),
    );
  }

  kill(): Promise<void> {
    return this.stop();
  }

  diagnostics(): string[] {
    return this.logs;
  }
}
