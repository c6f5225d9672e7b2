import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * Plain (non-partitioned) tables. The log itself, `records`, is partitioned and lives in a custom
 * migration (see db/migrations/*_records_partitioned_log.sql); its children are created at run time
 * with names generated from ids, never from user text.
 */

export const topics = pgTable(
  'topics',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    partitionCount: integer('partition_count').notNull(),
    /** Only the configs set explicitly; defaults are applied in code (Kafka's "dynamic topic config"). */
    configs: jsonb('configs').$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('topics_name_unique').on(t.name),
    // Kafka refuses names that differ only by "." versus "_" (they collide in metric names).
    uniqueIndex('topics_name_collision_unique').on(sql`replace(${t.name}, '.', '_')`),
    check('topics_partition_count_in_range', sql`${t.partitionCount} BETWEEN 1 AND 1000`),
  ],
);

/**
 * One row per topic-partition: the watermark row. Producers lock it (UPDATE ... RETURNING) inside the
 * appending transaction, which is what makes offsets dense, gapless and never visible out of order.
 */
export const topicPartitions = pgTable(
  'topic_partitions',
  {
    id: serial('id').primaryKey(),
    topicId: integer('topic_id')
      .notNull()
      .references(() => topics.id, { onDelete: 'cascade' }),
    partition: integer('partition').notNull(),
    logStartOffset: bigint('log_start_offset', { mode: 'number' }).notNull().default(0),
    highWatermark: bigint('high_watermark', { mode: 'number' }).notNull().default(0),
    /** Payload bytes (key + value + headers) currently in the log; kept in the append transaction. */
    bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('topic_partitions_topic_partition_unique').on(t.topicId, t.partition),
    check('topic_partitions_log_start_not_past_high_watermark', sql`${t.logStartOffset} <= ${t.highWatermark}`),
    check('topic_partitions_log_start_not_negative', sql`${t.logStartOffset} >= 0`),
  ],
);

/**
 * Registry of log segments: one row per range child table of a topic-partition's log.
 * `end_offset` is exclusive. Stats are filled in once the segment is sealed (high watermark past its end).
 */
export const logSegments = pgTable(
  'log_segments',
  {
    partitionId: integer('partition_id')
      .notNull()
      .references(() => topicPartitions.id, { onDelete: 'cascade' }),
    baseOffset: bigint('base_offset', { mode: 'number' }).notNull(),
    endOffset: bigint('end_offset', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Largest record timestamp (ms) in the segment, once sealed: the time index for retention and ListOffsets. */
    maxTimestamp: bigint('max_timestamp', { mode: 'number' }),
    /** Payload bytes in the segment, once sealed. */
    bytes: bigint('bytes', { mode: 'number' }),
    sealedAt: timestamp('sealed_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ name: 'log_segments_pkey', columns: [t.partitionId, t.baseOffset] }),
    check('log_segments_range_not_empty', sql`${t.endOffset} > ${t.baseOffset}`),
  ],
);

export type TopicRow = typeof topics.$inferSelect;
export type TopicPartitionRow = typeof topicPartitions.$inferSelect;
export type LogSegmentRow = typeof logSegments.$inferSelect;
