import type { Brook, Consumer, EachMessagePayload } from '@/server/client';

/** What a service does with one record (throws to have it delivered again). */
export type Handler = (payload: EachMessagePayload) => Promise<void>;

export interface MemberSettings {
  groupId: string;
  topic: string;
  clientId: string;
  sessionTimeoutMs: number;
  commitIntervalMs: number;
  /** Where the members' unexpected errors go. */
  logError: (line: string) => void;
}

interface Member {
  consumer: Consumer;
  /** The broker's id for it, once it has joined (kept after a crash: the broker still lists it). */
  memberId: string | null;
  crashed: boolean;
}

/**
 * One service's consumer-group members, each a real Brook client consumer running in this process.
 * Members are added and removed one at a time, newest last; paused applies to all (and to new ones).
 */
export class MemberPool {
  private members: Member[] = [];
  private pausedNow = false;

  constructor(
    private readonly brook: Brook,
    private readonly settings: MemberSettings,
    private readonly handle: Handler,
  ) {}

  get paused(): boolean {
    return this.pausedNow;
  }

  /** Members that heartbeat (crashed ones excluded). */
  get liveCount(): number {
    return this.members.filter((m) => !m.crashed).length;
  }

  /** Member ids this process crashed and the broker may still list. */
  crashedIds(): string[] {
    return this.members.flatMap((m) => (m.crashed && m.memberId ? [m.memberId] : []));
  }

  /** Adds or removes (leaving the group, work in hand committed) members until `count` are live. */
  async scaleTo(count: number): Promise<void> {
    while (this.liveCount < count) await this.add();
    while (this.liveCount > count) {
      const newest = this.members.findLast((m) => !m.crashed);
      if (!newest) break;
      this.members = this.members.filter((m) => m !== newest);
      await newest.consumer.disconnect();
    }
  }

  private async add(): Promise<void> {
    const { groupId, topic, clientId, sessionTimeoutMs, logError } = this.settings;
    const consumer = this.brook.consumer({
      groupId,
      clientId,
      sessionTimeout: sessionTimeoutMs,
      // Kafka's rule of thumb, a third of the session; capped so a short test timeout stays responsive.
      heartbeatInterval: Math.max(100, Math.floor(sessionTimeoutMs / 3)),
      retryBackoffMs: 200,
      logError,
    });
    const member: Member = { consumer, memberId: null, crashed: false };
    consumer.on(consumer.events.HEARTBEAT, (e) => {
      if (e.payload.memberId) member.memberId = e.payload.memberId;
    });
    this.members.push(member);
    await consumer.subscribe({ topic, fromBeginning: true });
    if (this.pausedNow) consumer.pause([{ topic }]);
    await consumer.run({ autoCommitInterval: this.settings.commitIntervalMs, eachMessage: this.handle });
  }

  setPaused(paused: boolean): void {
    this.pausedNow = paused;
    for (const m of this.members) {
      if (m.crashed) continue;
      if (paused) m.consumer.pause([{ topic: this.settings.topic }]);
      else m.consumer.resume([{ topic: this.settings.topic }]);
    }
  }

  /** The newest live member stops heartbeating without leaving; returns its member id. */
  async crashNewest(): Promise<string | null> {
    const newest = this.members.findLast((m) => !m.crashed);
    if (!newest) return null;
    newest.crashed = true;
    await newest.consumer.crash();
    return newest.memberId;
  }

  /** Forgets crashed members the broker no longer lists (their sessions ran out). */
  prune(listed: ReadonlySet<string>): void {
    this.members = this.members.filter((m) => !m.crashed || (m.memberId !== null && listed.has(m.memberId)));
  }

  /** Every live member leaves; returns the ids of crashed ones, for the caller to remove from the group. */
  async stopAll(): Promise<string[]> {
    const crashed = this.crashedIds();
    const live = this.members.filter((m) => !m.crashed);
    this.members = [];
    await Promise.all(live.map((m) => m.consumer.disconnect()));
    return crashed;
  }
}
