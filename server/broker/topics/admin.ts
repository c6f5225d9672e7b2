import type { Database, Queryable } from '@/db/client';
import { type RowOf, selectList } from '@/db/rows';
import { logSegments, topicPartitions, topics } from '@/db/schema';
import { type ConfigEntry, type ConfigInput, describeConfigs, parseConfigs, resolveTopicConfig } from '../configs';
import { BrokerError, sqlState, UNIQUE_VIOLATION } from '../errors';
import {
  createSegment,
  ensurePartitionTable,
  partitionTable,
  segmentCapacity,
  segmentTable,
  tableSizes,
  UNPREPARED,
} from '../log/segments';
import { unknownTopic } from './metadata';
import { collisionKey, validatePartitionCount, validateTopicName } from './names';

export interface TopicSummary {
  name: string;
  partitions: number;
  /** Records in the log: per partition highWatermark - logStartOffset, less what compaction removed. */
  records: number;
  /** Payload bytes (keys, values, headers) in the log. */
  bytes: number;
  configs: Record<string, string>;
  createdAt: Date;
}

export interface PartitionDescription {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  records: number;
  bytes: number;
}

export interface TopicDescription extends TopicSummary {
  partitionDetails: PartitionDescription[];
  configEntries: ConfigEntry[];
}

/** Payload size assumed for a brand-new partition's first segment, before any record is seen. */
const FIRST_SEGMENT_PAYLOAD_GUESS = 1024;
/** Partition log tables are created this many per transaction, to stay inside Postgres' lock table. */
const DDL_CHUNK = 25;

export async function createTopic(
  db: Database,
  input: { name: string; partitions: number; configs?: ConfigInput },
): Promise<TopicDescription> {
  validateTopicName(input.name);
  validatePartitionCount(input.partitions);
  const configs = parseConfigs(input.configs ?? {}) as Record<string, string>;

  let partitionIds: number[];
  try {
    partitionIds = await db.transaction(async (tx) => {
      const [topic] = await tx.query<{ id: number }>(
        `INSERT INTO topics (name, partition_count, configs) VALUES ($1, $2, $3::jsonb) RETURNING id`,
        [input.name, input.partitions, configs],
      );
      const rows = await tx.query<{ id: number }>(
        `INSERT INTO topic_partitions (topic_id, partition)
         SELECT $1, p FROM generate_series(0, $2 - 1) AS p ORDER BY p RETURNING id`,
        [topic.id, input.partitions],
      );
      return rows.map((r) => r.id);
    });
  } catch (err) {
    if (sqlState(err) !== UNIQUE_VIOLATION) throw err;
    const [existing] = await db.query<{ name: string }>(`SELECT name FROM topics WHERE replace(name, '.', '_') = $1`, [
      collisionKey(input.name),
    ]);
    if (!existing || existing.name === input.name) {
      throw new BrokerError('TOPIC_ALREADY_EXISTS', `Topic "${input.name}" already exists.`);
    }
    throw new BrokerError(
      'INVALID_TOPIC_EXCEPTION',
      `Topic "${input.name}" collides with existing topic "${existing.name}": names may not differ only by "." and "_".`,
    );
  }

  const capacity = segmentCapacity(resolveTopicConfig(configs), FIRST_SEGMENT_PAYLOAD_GUESS);
  await createPartitionLogs(db, partitionIds, capacity);
  return describeTopic(db, input.name);
}

/**
 * Creates each partition's log table and first segment, a chunk per transaction. If this is cut short,
 * appends create what is missing themselves (segments are also ensured on the produce path).
 */
async function createPartitionLogs(db: Database, partitionIds: number[], capacity: number): Promise<void> {
  for (let i = 0; i < partitionIds.length; i += DDL_CHUNK) {
    const chunk = partitionIds.slice(i, i + DDL_CHUNK);
    await db.transaction(async (tx) => {
      await tx.query(`SELECT id FROM topic_partitions WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE`, [chunk]);
      for (const id of chunk) {
        await ensurePartitionTable(tx, id);
        await createSegment(tx, id, 0, capacity);
      }
    });
  }
}

/** Drops partition log tables (with their segments), a chunk per transaction. */
export async function dropPartitionLogs(db: Database, partitionIds: number[]): Promise<void> {
  for (let i = 0; i < partitionIds.length; i += DDL_CHUNK) {
    const chunk = partitionIds.slice(i, i + DDL_CHUNK);
    await db.transaction(async (tx) => {
      for (const id of chunk) await tx.query(`DROP TABLE IF EXISTS ${partitionTable(id)}`, [], UNPREPARED);
    });
  }
}

export async function deleteTopic(db: Database, name: string): Promise<void> {
  const partitionIds = await db.transaction(async (tx) => {
    const [topic] = await tx.query<{ id: number }>(`SELECT id FROM topics WHERE name = $1 FOR UPDATE`, [name]);
    if (!topic) throw unknownTopic(name);
    // Lock the watermark rows in id order, as appends do: waits for in-flight appends to commit.
    const rows = await tx.query<{ id: number }>(`SELECT id FROM topic_partitions WHERE topic_id = $1 ORDER BY id FOR UPDATE`, [topic.id]);
    await tx.query(`DELETE FROM topics WHERE id = $1`, [topic.id]);
    return rows.map((r) => r.id);
  });
  // The topic is gone once the transaction above commits; tables left by a crash here are collected
  // by the maintenance service (orphaned log tables).
  await dropPartitionLogs(db, partitionIds);
}

export async function alterTopicConfigs(db: Database, name: string, input: ConfigInput): Promise<ConfigEntry[]> {
  const parsed = parseConfigs(input, { allowNull: true });
  const set = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== null));
  const reset = Object.keys(parsed).filter((k) => parsed[k] === null);
  const [row] = await db.query<Pick<TopicRow, 'configs'>>(
    `UPDATE topics SET configs = (configs || $2::jsonb) - $3::text[] WHERE name = $1 RETURNING configs`,
    [name, set, reset],
  );
  if (!row) throw unknownTopic(name);
  return describeConfigs(row.configs);
}

/** Raises the partition count to `count` (Kafka's CreatePartitions: the new total, never lower). */
export async function addPartitions(db: Database, name: string, count: number): Promise<TopicDescription> {
  validatePartitionCount(count);
  const { ids, configs } = await db.transaction(async (tx) => {
    const [topic] = await tx.query<Pick<TopicRow, 'id' | 'partitionCount' | 'configs'>>(
      `SELECT ${selectList(topics, ['id', 'partitionCount', 'configs'])} FROM topics WHERE name = $1 FOR UPDATE`,
      [name],
    );
    if (!topic) throw unknownTopic(name);
    if (count <= topic.partitionCount) {
      throw new BrokerError(
        'INVALID_PARTITIONS',
        `Topic "${name}" has ${topic.partitionCount} partitions; the new count must be higher (got ${count}). Partitions can only be added.`,
      );
    }
    const rows = await tx.query<{ id: number }>(
      `INSERT INTO topic_partitions (topic_id, partition)
       SELECT $1, p FROM generate_series($2::int, $3::int - 1) AS p ORDER BY p RETURNING id`,
      [topic.id, topic.partitionCount, count],
    );
    await tx.query(`UPDATE topics SET partition_count = $2 WHERE id = $1`, [topic.id, count]);
    return { ids: rows.map((r) => r.id), configs: topic.configs };
  });
  await createPartitionLogs(db, ids, segmentCapacity(resolveTopicConfig(configs), FIRST_SEGMENT_PAYLOAD_GUESS));
  return describeTopic(db, name);
}

type TopicRow = RowOf<typeof topics>;
type TopicSummaryRow = Pick<TopicRow, 'name' | 'partitionCount' | 'configs' | 'createdAt'> & { records: number; bytes: number };

const SUMMARY_SELECT = `
  SELECT ${selectList(topics, ['name', 'partitionCount', 'configs', 'createdAt'], 't')},
         COALESCE(sum(tp.high_watermark - tp.log_start_offset - tp.removed_records), 0)::bigint AS records,
         COALESCE(sum(tp.bytes), 0)::bigint AS bytes
    FROM topics t JOIN topic_partitions tp ON tp.topic_id = t.id`;

const toSummary = (r: TopicSummaryRow): TopicSummary => ({
  name: r.name,
  partitions: r.partitionCount,
  records: r.records,
  bytes: r.bytes,
  configs: r.configs,
  createdAt: r.createdAt,
});

/** Topics with their totals, read from watermark rows and counters (never from the log itself). */
export async function listTopics(db: Queryable): Promise<TopicSummary[]> {
  const rows = await db.query<TopicSummaryRow>(`${SUMMARY_SELECT} GROUP BY t.id ORDER BY t.name`);
  return rows.map(toSummary);
}

export async function describeTopic(db: Queryable, name: string): Promise<TopicDescription> {
  const [row] = await db.query<TopicSummaryRow>(`${SUMMARY_SELECT} WHERE t.name = $1 GROUP BY t.id`, [name]);
  if (!row) throw unknownTopic(name);
  const columns = ['partition', 'logStartOffset', 'highWatermark', 'bytes', 'removedRecords'] as const;
  const partitions = await db.query<Pick<RowOf<typeof topicPartitions>, (typeof columns)[number]>>(
    `SELECT ${selectList(topicPartitions, columns, 'tp')}
       FROM topic_partitions tp JOIN topics t ON t.id = tp.topic_id
      WHERE t.name = $1 ORDER BY tp.partition`,
    [name],
  );
  const summary = toSummary(row);
  return {
    ...summary,
    partitionDetails: partitions.map((p) => ({
      partition: p.partition,
      logStartOffset: p.logStartOffset,
      highWatermark: p.highWatermark,
      records: p.highWatermark - p.logStartOffset - p.removedRecords,
      bytes: p.bytes,
    })),
    configEntries: describeConfigs(summary.configs),
  };
}

export interface SegmentDescription {
  partition: number;
  baseOffset: number;
  /** Exclusive; segments are created ahead, so the last one usually reaches past the high watermark. */
  endOffset: number;
  /** Records in it (between the log start and the high watermark). */
  records: number;
  /** Size on disk of the child table with its index and TOAST (pg_total_relation_size). */
  sizeBytes: number;
  sealed: boolean;
  maxTimestamp: number | null;
  table: string;
}

export async function describeSegments(db: Queryable, name: string): Promise<SegmentDescription[]> {
  const tpColumns = ['partition', 'logStartOffset', 'highWatermark'] as const;
  const segmentColumns = ['partitionId', 'baseOffset', 'endOffset', 'recordCount', 'maxTimestamp'] as const;
  const rows = await db.query<
    Pick<RowOf<typeof topicPartitions>, (typeof tpColumns)[number]> &
      Pick<RowOf<typeof logSegments>, (typeof segmentColumns)[number]> & { sealed: boolean }
  >(
    `SELECT ${selectList(topicPartitions, tpColumns, 'tp')}, ${selectList(logSegments, segmentColumns, 's')},
            s.sealed_at IS NOT NULL AS sealed
       FROM topics t JOIN topic_partitions tp ON tp.topic_id = t.id JOIN log_segments s ON s.partition_id = tp.id
      WHERE t.name = $1 ORDER BY tp.partition, s.base_offset`,
    [name],
  );
  if (rows.length === 0) {
    const [exists] = await db.query(`SELECT 1 FROM topics WHERE name = $1`, [name]);
    if (!exists) throw unknownTopic(name);
  }
  const tables = rows.map((r) => segmentTable(r.partitionId, r.baseOffset));
  const sizes = await tableSizes(db, tables);
  return rows.map((r, i) => ({
    partition: r.partition,
    baseOffset: r.baseOffset,
    endOffset: r.endOffset,
    records:
      r.sealed && r.recordCount !== null
        ? r.recordCount
        : Math.max(0, Math.min(r.endOffset, r.highWatermark) - Math.max(r.baseOffset, r.logStartOffset)),
    sizeBytes: sizes.get(tables[i]) ?? 0,
    sealed: r.sealed,
    maxTimestamp: r.maxTimestamp,
    table: tables[i],
  }));
}
