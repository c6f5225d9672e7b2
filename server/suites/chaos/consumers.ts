import type { Brook, Consumer } from '@/server/client';
import type { Processing, Span } from './checker';

export interface GroupSettings {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  autoCommitIntervalMs: number;
}

/**
 * A consumer group of M members (one client each), committing after processing (auto-commit), that
 * records every record it processes with the ownership span it was processed in. A span is one member
 * owning one partition: it opens at assignment and closes at revocation, holding the highest offset the
 * member committed for the partition meanwhile, and whether the member had been fenced. That is what
 * tells an allowed repeat (uncommitted work of a member that lost the partition) from a wrong one.
 */
export class ConsumerGroup {
  readonly processed: Processing[] = [];
  readonly spans = new Map<string, Span>();
  revocations = 0;
  fencings = 0;
  crashes = 0;
  lastCrash = '';
  /** Membership, commits and errors of every member, in order, for a failed run's trace file. */
  readonly trace: string[] = [];
  private readonly open = new Map<string, Span>();
  private readonly fencedPending = new Set<string>();
  /** Per partition, the offsets processed so far and the first one not yet processed. */
  private readonly covered = new Map<number, { offsets: Set<number>; next: number }>();
  private readonly consumers: Consumer[] = [];
  private seq = 0;
  private spanCount = 0;

  constructor(
    private readonly clients: Brook[],
    private readonly groupId: string,
    private readonly topic: string,
    private readonly settings: GroupSettings,
  ) {}

  async start(): Promise<void> {
    await Promise.all(this.clients.map((client, i) => this.join(client, `m${i}`)));
  }

  /** Whether every offset below each partition's high watermark has been processed at least once. */
  caughtUp(highWatermarks: ReadonlyArray<{ partition: number; highWatermark: number }>): boolean {
    return highWatermarks.every(({ partition, highWatermark }) => {
      const c = this.covered.get(partition);
      if (!c) return highWatermark === 0;
      while (c.offsets.has(c.next)) c.next++;
      return c.next >= highWatermark;
    });
  }

  /** Finishes the records in hand, commits and leaves (spans still open stay open: nothing was lost). */
  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect()));
  }

  private async join(client: Brook, member: string): Promise<void> {
    const consumer = client.consumer({
      groupId: this.groupId,
      sessionTimeout: this.settings.sessionTimeoutMs,
      heartbeatInterval: this.settings.heartbeatIntervalMs,
      retryBackoffMs: 200,
      logError: () => {}, // errors while Brook is down are expected; CRASH below counts them
    });
    this.consumers.push(consumer);
    const ev = consumer.events;
    const note = (what: string) => this.trace.push(`${new Date().toISOString()} ${member} ${what}`);
    for (const name of [
      ev.GROUP_JOIN,
      ev.REBALANCING,
      ev.FENCED,
      ev.PARTITIONS_ASSIGNED,
      ev.PARTITIONS_REVOKED,
      ev.COMMIT_OFFSETS,
      ev.CRASH,
    ])
      consumer.on(name, ({ payload }) => note(`${name} ${JSON.stringify(payload, (k, v) => (k === 'error' ? String(v) : v))}`));
    consumer.on(ev.PARTITIONS_ASSIGNED, ({ payload }) => {
      for (const p of payload.partitions) this.span(member, p.partition);
    });
    consumer.on(ev.PARTITIONS_REVOKED, ({ payload }) => {
      for (const p of payload.partitions) this.close(member, p.partition);
    });
    consumer.on(ev.FENCED, () => {
      this.fencings++;
      this.fencedPending.add(member);
    });
    consumer.on(ev.GROUP_JOIN, () => this.fencedPending.delete(member));
    consumer.on(ev.COMMIT_OFFSETS, ({ payload }) => {
      for (const t of payload.topics)
        for (const p of t.partitions) {
          // Only commits that completed while the member still owned the partition count as its commit.
          const span = this.open.get(`${member}/${p.partition}`);
          if (span) span.lastCommit = Math.max(span.lastCommit ?? 0, Number(p.offset));
        }
    });
    consumer.on(ev.CRASH, ({ payload }) => {
      this.crashes++;
      this.lastCrash = `${payload.error.name}: ${payload.error.message}`;
    });
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: this.settings.autoCommitIntervalMs,
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        const span = this.span(member, partition).id;
        this.trace.push(`${new Date().toISOString()} ${member} processed ${partition}:${offset} in ${span}`);
        this.processed.push({
          seq: this.seq++,
          span,
          partition,
          offset,
          key: message.key?.toString('utf8') ?? null,
          value: message.value?.toString('utf8') ?? null,
        });
        const c = this.covered.get(partition) ?? { offsets: new Set<number>(), next: 0 };
        this.covered.set(partition, c);
        c.offsets.add(offset);
      },
    });
  }

  /** The member's open span on the partition, opened now if there is none. */
  private span(member: string, partition: number): Span {
    const key = `${member}/${partition}`;
    let span = this.open.get(key);
    if (!span) {
      span = { id: `${member}/p${partition}/${this.spanCount++}`, member, partition, lost: null, lastCommit: null };
      this.open.set(key, span);
      this.spans.set(span.id, span);
    }
    return span;
  }

  private close(member: string, partition: number): void {
    const key = `${member}/${partition}`;
    const span = this.open.get(key);
    if (!span) return;
    span.lost = this.fencedPending.has(member) ? 'fenced' : 'revoked';
    this.open.delete(key);
    this.revocations++;
  }
}
