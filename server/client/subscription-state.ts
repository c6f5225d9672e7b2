import { type TopicPartition, type TopicPartitions, toTopicPartitions, tpKey } from '../kernel/topic-partition';

/** A topic, or some of its partitions (kafkajs' pause/resume argument). */
export interface TopicSelection {
  topic: string;
  partitions?: number[];
}

/**
 * What the user asked of a consumer, apart from what the broker assigns: the topics subscribed, which
 * partitions are paused, and seeks not applied yet. Pausing a whole topic covers partitions assigned
 * later too; resuming one partition of a paused topic leaves the others paused.
 */
export class SubscriptionState {
  private readonly subscribed = new Set<string>();
  /** Per topic: paused as a whole (`all`, except `except`), or only the `partitions` listed. */
  private readonly pausedTopics = new Map<string, { all: boolean; partitions: Set<number>; except: Set<number> }>();
  private readonly seeks = new Map<string, number>();
  fromBeginning = false;

  subscribe(topics: string[], fromBeginning: boolean): void {
    for (const t of topics) this.subscribed.add(t);
    this.fromBeginning = fromBeginning;
  }

  topics(): string[] {
    return [...this.subscribed];
  }

  pause(selection: TopicSelection[]): void {
    for (const { topic, partitions } of selection) {
      const s = this.stateOf(topic);
      if (partitions === undefined) {
        s.all = true;
        s.except.clear();
        s.partitions.clear();
      } else if (s.all) for (const p of partitions) s.except.delete(p);
      else for (const p of partitions) s.partitions.add(p);
    }
  }

  resume(selection: TopicSelection[]): void {
    for (const { topic, partitions } of selection) {
      const s = this.pausedTopics.get(topic);
      if (!s) continue;
      if (partitions === undefined) this.pausedTopics.delete(topic);
      else if (s.all) for (const p of partitions) s.except.add(p);
      else for (const p of partitions) s.partitions.delete(p);
    }
  }

  isPaused({ topic, partition }: TopicPartition): boolean {
    const s = this.pausedTopics.get(topic);
    if (!s) return false;
    return s.all ? !s.except.has(partition) : s.partitions.has(partition);
  }

  /** The partitions paused: those named, and of a topic paused as a whole, the `assigned` ones. */
  paused(assigned: TopicPartition[]): TopicPartitions[] {
    const keys = new Set<string>();
    for (const [topic, s] of this.pausedTopics) if (!s.all) for (const p of s.partitions) keys.add(tpKey(topic, p));
    for (const tp of assigned) if (this.isPaused(tp)) keys.add(tpKey(tp.topic, tp.partition));
    return toTopicPartitions(keys);
  }

  /** Remembers where a partition not owned yet starts when it is assigned. */
  seek({ topic, partition }: TopicPartition, offset: number): void {
    this.seeks.set(tpKey(topic, partition), offset);
  }

  /** The pending seek of a partition, once: applying it clears it. */
  takeSeek({ topic, partition }: TopicPartition): number | undefined {
    const key = tpKey(topic, partition);
    const offset = this.seeks.get(key);
    this.seeks.delete(key);
    return offset;
  }

  private stateOf(topic: string) {
    let s = this.pausedTopics.get(topic);
    if (!s) {
      s = { all: false, partitions: new Set(), except: new Set() };
      this.pausedTopics.set(topic, s);
    }
    return s;
  }
}
