import type { Queryable } from '@/db/client';
import { BRIEF_HOLD_MS } from '@/db/hold';
import { transientBrokerError } from '../errors';
import { isLegalTopicName } from './names';

export interface TopicLayout {
  name: string;
  partitions: number;
}

export interface TopicLayoutAnswer {
  /** The topics found, by name. */
  topics: TopicLayout[];
  /**
   * The database could not be read: `topics` is what this instance read last. A name it never saw may
   * exist, so a caller must not call a missing name unknown (Kafka answers LEADER_NOT_AVAILABLE).
   */
  stale: boolean;
}

/**
 * Which topics exist and how many partitions each has, for Kafka's Metadata. Kafka brokers answer
 * Metadata from their metadata cache, never from their log's disks, so a broker whose storage is in
 * trouble still describes the cluster as it is. Brook reads Postgres each time, and while Postgres cannot
 * be reached answers what it read last: a client must never be told that a topic lost its partitions or
 * stopped existing because of an outage (librdkafka fails every queued record of a topic it is told has
 * none).
 */
export class TopicDirectory {
  private readonly known = new Map<string, number>();

  constructor(private readonly db: Queryable) {}

  /** Every topic (`names` null) or the named ones. */
  async layout(names: readonly string[] | null): Promise<TopicLayoutAnswer> {
    const wanted = names === null ? null : [...new Set(names.filter(isLegalTopicName))];
    try {
      const topics = await this.read(wanted);
      this.remember(wanted, topics);
      return { topics, stale: false };
    } catch (err) {
      if (!transientBrokerError(err)) throw err;
      const pick = wanted ?? [...this.known.keys()].sort();
      const topics = pick.flatMap((name) => {
        const partitions = this.known.get(name);
        return partitions === undefined ? [] : [{ name, partitions }];
      });
      return { topics, stale: true };
    }
  }

  private async read(names: string[] | null): Promise<TopicLayout[]> {
    if (names?.length === 0) return [];
    const rows = await this.db.query<{ name: string; partitions: number }>(
      names === null
        ? `SELECT name, partition_count AS partitions FROM topics ORDER BY name`
        : `SELECT name, partition_count AS partitions FROM topics WHERE name = ANY($1::text[]) ORDER BY name`,
      names === null ? [] : [names],
      // What it read last is a better answer than a long wait (see BRIEF_HOLD_MS).
      { name: names === null ? 'topics.layout_all' : 'topics.layout', holdMs: BRIEF_HOLD_MS },
    );
    return rows;
  }

  private remember(names: string[] | null, found: TopicLayout[]): void {
    if (names === null) this.known.clear();
    else for (const name of names) this.known.delete(name);
    for (const t of found) this.known.set(t.name, t.partitions);
  }
}
