import type { Queryable } from '@/db/client';
import { type RowOf, selectList } from '@/db/rows';
import { topics } from '@/db/schema';
import { resolveTopicConfig, type TopicConfig } from '../configs';
import { BrokerError } from '../errors';
import { isLegalTopicName } from './names';

export interface TopicMetadata {
  id: number;
  name: string;
  /** Watermark-row id of each partition, indexed by partition number. */
  partitionIds: number[];
  storedConfigs: Record<string, string>;
  config: TopicConfig;
}

type TopicMetadataRow = Pick<RowOf<typeof topics>, 'id' | 'name' | 'configs'> & { partition_ids: number[] };

export async function loadTopicMetadata(db: Queryable, name: string): Promise<TopicMetadata | null> {
  // No topic has an illegal name; some (a NUL from a Kafka client) Postgres would refuse as text.
  if (!isLegalTopicName(name)) return null;
  const [row] = await db.query<TopicMetadataRow>(
    `SELECT ${selectList(topics, ['id', 'name', 'configs'], 't')}, array_agg(tp.id ORDER BY tp.partition) AS partition_ids
       FROM topics t JOIN topic_partitions tp ON tp.topic_id = t.id
      WHERE t.name = $1
      GROUP BY t.id`,
    [name],
    { name: 'topic_metadata' },
  );
  if (!row) return null;
  const storedConfigs = row.configs;
  return { id: row.id, name: row.name, partitionIds: row.partition_ids, storedConfigs, config: resolveTopicConfig(storedConfigs) };
}

export function unknownTopic(name: string): BrokerError {
  return new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${name}" does not exist.`);
}

export function unknownPartition(topic: TopicMetadata, partition: number): BrokerError {
  return new BrokerError(
    'UNKNOWN_TOPIC_OR_PARTITION',
    `Topic "${topic.name}" has no partition ${partition} (it has ${topic.partitionIds.length}).`,
  );
}

/**
 * Per-process cache of topic metadata on the produce and fetch paths. Entries live `ttlMs`, and are
 * dropped at once by local admin changes or when Postgres reports the topic gone, so another process's
 * change is seen within the TTL. Correctness never rests on it: every append locks the watermark row.
 */
export class TopicMetadataCache {
  private readonly entries = new Map<string, { meta: TopicMetadata; at: number }>();
  private readonly loading = new Map<string, Promise<TopicMetadata | null>>();

  constructor(
    private readonly db: Queryable,
    private readonly ttlMs = 2000,
  ) {}

  async get(name: string, now = Date.now()): Promise<TopicMetadata> {
    const hit = this.entries.get(name);
    if (hit && now - hit.at < this.ttlMs) return hit.meta;
    const meta = await this.load(name, now);
    if (!meta) throw unknownTopic(name);
    return meta;
  }

  /** Re-reads past the cache, e.g. when a partition number is beyond what the cache knows. */
  async refresh(name: string): Promise<TopicMetadata> {
    this.entries.delete(name);
    return this.get(name);
  }

  invalidate(name?: string): void {
    if (name === undefined) this.entries.clear();
    else this.entries.delete(name);
  }

  private load(name: string, now: number): Promise<TopicMetadata | null> {
    let p = this.loading.get(name);
    if (!p) {
      p = loadTopicMetadata(this.db, name)
        .then((meta) => {
          if (meta) this.entries.set(name, { meta, at: now });
          else this.entries.delete(name);
          return meta;
        })
        .finally(() => this.loading.delete(name));
      this.loading.set(name, p);
    }
    return p;
  }
}
