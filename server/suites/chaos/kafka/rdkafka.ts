import type { Commit, KafkaAck, MemberAtEnd, Processed } from './checker';
import { Coverage, type GroupHandle, type ProducerHandle } from './clients';
import { type PyEvent, PythonClient } from './python-process';

/** A producer's flush may take up to its message.timeout.ms (120 s) and then some. */
const PRODUCER_STOP_MS = 180_000;
const CONSUMER_STOP_MS = 30_000;

export interface RdkafkaSettings {
  python: string;
  bootstrap: string;
  topic: string;
}

/** An error_cb event as text. */
const errorEvent = (e: PyEvent) => `${e.name} (${e.code}): ${e.str}${e.fatal ? ' [fatal]' : ''}`;

/** librdkafka's producer (rdkafka_client.py produce): idempotent or not, at a steady rate. */
export class RdkafkaProducer implements ProducerHandle {
  readonly acks: KafkaAck[] = [];
  readonly fatal: string[] = [];
  deliveryFailures = 0;
  errors = 0;
  lastError = '';
  private sentCount = 0;
  private latestAck = 0;
  private client: PythonClient | null = null;

  constructor(
    /** Also the ids' prefix: `<name>.<seq>`. */
    readonly name: string,
    readonly idempotent: boolean,
    private readonly rate: number,
    private readonly seed: number,
    private readonly settings: RdkafkaSettings,
  ) {}

  async start(): Promise<void> {
    const { python, bootstrap, topic } = this.settings;
    const args = ['produce', '--bootstrap', bootstrap, '--topic', topic, '--name', this.name];
    args.push('--rate', String(this.rate), '--seed', String(this.seed));
    if (!this.idempotent) args.push('--no-idempotence');
    this.client = new PythonClient(this.name, python, args, (e) => this.onEvent(e));
  }

  private onEvent(e: PyEvent): void {
    switch (e.e) {
      case 'ack':
        this.acks.push({ id: String(e.id), partition: Number(e.p), offset: Number(e.o), t: e.t });
        this.latestAck = Math.max(this.latestAck, e.t);
        this.reported(String(e.id));
        break;
      case 'nack':
        this.reported(String(e.id));
        this.deliveryFailures++;
        this.lastError = `${new Date(e.t).toISOString()} delivery of ${e.id} failed: ${e.err}`;
        break;
      case 'error':
        this.errors++;
        this.lastError = errorEvent(e);
        if (e.fatal) this.fatal.push(`${new Date(e.t).toISOString()} ${errorEvent(e)}`);
        break;
      case 'sent':
      case 'summary':
        this.sentCount = Math.max(this.sentCount, Number(e.e === 'sent' ? e.n : e.produced));
        if (e.e === 'summary' && Number(e.unflushed) > 0) this.lastError = `${e.unflushed} records still unanswered at exit`;
        break;
    }
  }

  /** A report for `<name>.<seq>`: it was sent, whether or not a "sent" count said so yet (a client that died). */
  private reported(id: string): void {
    this.sentCount = Math.max(this.sentCount, Number(id.slice(id.lastIndexOf('.') + 1)) + 1);
  }

  sent(): string[] {
    return Array.from({ length: this.sentCount }, (_, i) => `${this.name}.${i}`);
  }

  lastAckAt(): number {
    return this.latestAck;
  }

  async stop(): Promise<void> {
    if (!this.client) return;
    const died = this.client.diedByItself;
    await this.client.stop(PRODUCER_STOP_MS);
    if (died || this.client.exitCode !== 0) this.fatal.push(`the client ${died ? 'died' : 'exited'} (${exitOf(this.client)})`);
  }

  async kill(): Promise<void> {
    await this.client?.kill();
  }

  diagnostics(): string[] {
    return this.client?.stderr ?? [];
  }
}

interface Member {
  name: string;
  client: PythonClient;
  assigned: Set<number>;
  fatal: boolean;
}

/** A librdkafka consumer group (rdkafka_client.py consume): `size` members, auto-commit, from the earliest offset. */
export class RdkafkaGroup implements GroupHandle {
  readonly processed: Processed[] = [];
  readonly commits: Commit[] = [];
  readonly fatal: string[] = [];
  assignments = 0;
  errors = 0;
  lastError = '';
  /** Sessions a member's librdkafka timed out itself (no answer from the coordinator within session.timeout.ms). */
  sessionTimeouts = 0;
  private readonly coverage = new Coverage();
  private readonly list: Member[] = [];

  constructor(
    readonly name: string,
    readonly groupId: string,
    private readonly size: number,
    private readonly sessionTimeoutMs: number,
    private readonly settings: RdkafkaSettings,
  ) {}

  async start(): Promise<void> {
    const { python, bootstrap, topic } = this.settings;
    for (let i = 0; i < this.size; i++) {
      const name = `rdkafka-m${i}`;
      const args = ['consume', '--bootstrap', bootstrap, '--topic', topic, '--group', this.groupId, '--member', name];
      args.push('--session-timeout-ms', String(this.sessionTimeoutMs));
      const member: Member = { name, client: null as unknown as PythonClient, assigned: new Set(), fatal: false };
      member.client = new PythonClient(
        name,
        python,
        args,
        (e) => this.onEvent(member, e),
        (line) => {
          if (line.includes('|SESSTMOUT|')) this.sessionTimeouts++;
        },
      );
      this.list.push(member);
    }
  }

  private onEvent(m: Member, e: PyEvent): void {
    const parts = (e.parts ?? []) as number[];
    switch (e.e) {
      case 'rec':
        this.processed.push({ member: m.name, partition: Number(e.p), offset: Number(e.o), id: (e.id as string | null) ?? null, t: e.t });
        this.coverage.add(Number(e.p), Number(e.o));
        break;
      case 'assign':
        // librdkafka's default assignors are eager: each assignment is the member's whole set.
        m.assigned = new Set(parts);
        this.assignments++;
        break;
      case 'revoke':
      case 'lost':
        for (const p of parts) m.assigned.delete(p);
        break;
      case 'commit':
        if (e.err !== null) break;
        for (const [partition, offset, err] of e.parts as Array<[number, number, string | null]>)
          if (err === null && offset >= 0) this.commits.push({ member: m.name, partition, offset, t: e.t });
        break;
      case 'error':
        this.errors++;
        this.lastError = `${m.name}: ${errorEvent(e)}`;
        if (e.fatal) {
          m.fatal = true;
          this.fatal.push(`${m.name} ${new Date(e.t).toISOString()} ${errorEvent(e)}`);
        }
        break;
    }
  }

  caughtUp(highWatermarks: ReadonlyArray<{ partition: number; highWatermark: number }>): boolean {
    return this.coverage.covers(highWatermarks);
  }

  members(): MemberAtEnd[] {
    return this.list.map((m) => ({ member: m.name, alive: m.client.alive && !m.fatal, assigned: [...m.assigned].sort((a, b) => a - b) }));
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.list.map(async (m) => {
        const died = m.client.diedByItself;
        await m.client.stop(CONSUMER_STOP_MS);
        if (died || m.client.exitCode !== 0) this.fatal.push(`${m.name}: the client ${died ? 'died' : 'exited'} (${exitOf(m.client)})`);
      }),
    );
  }

  async kill(): Promise<void> {
    await Promise.all(this.list.map((m) => m.client.kill()));
  }

  diagnostics(): string[] {
    return this.list.flatMap((m) => m.client.stderr.map((line) => `${m.name}: ${line}`));
  }
}

const exitOf = (c: PythonClient) => (c.exitSignal ? `signal ${c.exitSignal}` : `exit code ${c.exitCode}`);
