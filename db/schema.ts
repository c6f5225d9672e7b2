import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
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
    /** Records between the log start and the high watermark that compaction removed (records = hw - start - this). */
    removedRecords: bigint('removed_records', { mode: 'number' }).notNull().default(0),
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
    /** Rows in the segment, once sealed (fewer than its offsets after compaction). */
    recordCount: bigint('record_count', { mode: 'number' }),
    sealedAt: timestamp('sealed_at', { withTimezone: true }),
    /** Last time compaction went over this segment (compacted topics). */
    compactedAt: bigint('compacted_at', { mode: 'number' }),
  },
  (t) => [
    primaryKey({ name: 'log_segments_pkey', columns: [t.partitionId, t.baseOffset] }),
    check('log_segments_range_not_empty', sql`${t.endOffset} > ${t.baseOffset}`),
  ],
);

export type TopicRow = typeof topics.$inferSelect;
export type TopicPartitionRow = typeof topicPartitions.$inferSelect;
export type LogSegmentRow = typeof logSegments.$inferSelect;

/**
 * Consumer groups. The coordinator is a pure state machine over the whole group (members, epochs,
 * target assignment), so the group is one row holding that state, locked FOR UPDATE by every heartbeat
 * and commit: any Brook process can act for any group, one at a time.
 */
export const consumerGroups = pgTable(
  'consumer_groups',
  {
    groupId: text('group_id').primaryKey(),
    /** server/broker/groups/types.ts GroupState, as JSON. */
    state: jsonb('state').notNull(),
    groupEpoch: integer('group_epoch').notNull().default(0),
    /** The earliest time (ms) a member's session or rebalance timeout runs out; null without members. */
    expiresAt: bigint('expires_at', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('consumer_groups_group_id_not_empty', sql`length(${t.groupId}) BETWEEN 1 AND 255`),
    index('consumer_groups_expiring').on(t.expiresAt),
  ],
);

/** Committed offsets, by topic name as in Kafka: the next offset the group will read. */
export const groupOffsets = pgTable(
  'group_offsets',
  {
    groupId: text('group_id')
      .notNull()
      .references(() => consumerGroups.groupId, { onDelete: 'cascade' }),
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    committedOffset: bigint('committed_offset', { mode: 'number' }).notNull(),
    metadata: text('metadata').notNull().default(''),
    committedAt: bigint('committed_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'group_offsets_pkey', columns: [t.groupId, t.topic, t.partition] }),
    check('group_offsets_offset_not_negative', sql`${t.committedOffset} >= 0`),
  ],
);

/** The last commits per partition with the lag at that moment: the window Burrow-style status reads. */
export const groupOffsetCommits = pgTable(
  'group_offset_commits',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    groupId: text('group_id')
      .notNull()
      .references(() => consumerGroups.groupId, { onDelete: 'cascade' }),
    topic: text('topic').notNull(),
    partition: integer('partition').notNull(),
    committedOffset: bigint('committed_offset', { mode: 'number' }).notNull(),
    highWatermark: bigint('high_watermark', { mode: 'number' }).notNull(),
    committedAt: bigint('committed_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('group_offset_commits_partition_recent').on(t.groupId, t.topic, t.partition, t.id)],
);

/**
 * Idempotent producers (Kafka's InitProducerId): one row per producer id handed out. The identity column
 * makes ids unique across every Brook process on the database; `epoch` is the latest one issued, bumped
 * by a re-init that presents the current one (KIP-360).
 */
export const producerIds = pgTable(
  'producer_ids',
  {
    producerId: bigint('producer_id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    epoch: smallint('epoch').notNull().default(0),
    /** ms since epoch of the last InitProducerId for this id (expiry). */
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [check('producer_ids_epoch_in_range', sql`${t.epoch} BETWEEN 0 AND 32767`), index('producer_ids_updated_at').on(t.updatedAt)],
);

/** One of the last batches of a producer on a partition, kept to answer a retried batch with its offsets. */
export interface ProducerBatchMeta {
  firstSequence: number;
  lastSequence: number;
  baseOffset: number;
  /** The batch's largest record timestamp (ms). */
  timestamp: number;
}

/**
 * Kafka's ProducerStateManager entry, per (partition, producer id): the epoch and sequence the next batch
 * is checked against, and the last 5 batches (oldest first) for duplicate detection. Read and written
 * only under the partition's watermark row lock, in the append transaction. Separate from the log, so
 * retention and compaction of records never forget a recent batch.
 */
export const producerStates = pgTable(
  'producer_states',
  {
    partitionId: integer('partition_id')
      .notNull()
      .references(() => topicPartitions.id, { onDelete: 'cascade' }),
    producerId: bigint('producer_id', { mode: 'number' }).notNull(),
    producerEpoch: smallint('producer_epoch').notNull(),
    lastSequence: integer('last_sequence').notNull(),
    batches: jsonb('batches').$type<ProducerBatchMeta[]>().notNull(),
    /** ms since epoch of the last batch appended (producer.id.expiration.ms counts from here). */
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'producer_states_pkey', columns: [t.partitionId, t.producerId] }),
    check('producer_states_producer_id_not_negative', sql`${t.producerId} >= 0`),
    check('producer_states_epoch_in_range', sql`${t.producerEpoch} BETWEEN 0 AND 32767`),
    check('producer_states_last_sequence_not_negative', sql`${t.lastSequence} >= 0`),
    check('producer_states_batches_at_most_5', sql`jsonb_array_length(${t.batches}) BETWEEN 1 AND 5`),
    index('producer_states_updated_at').on(t.updatedAt),
  ],
);

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * records.produce's idempotency keys, per topic: the hash of the request's canonical body and its result
 * (runs of [partition, first offset, count]), written in the transaction that writes its records, so a
 * key is stored exactly when its records are. `result` is null only inside that transaction. Rows older
 * than BROOK_IDEMPOTENCY_WINDOW are deleted by log maintenance; a topic's go with it.
 */
export const produceIdempotencyKeys = pgTable(
  'produce_idempotency_keys',
  {
    topicId: integer('topic_id')
      .notNull()
      .references(() => topics.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: bytea('request_hash').notNull(),
    result: jsonb('result').$type<Array<[number, number, number]>>(),
    /** ms since epoch (the broker's clock) when the key was first used. */
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'produce_idempotency_keys_pkey', columns: [t.topicId, t.key] }),
    check('produce_idempotency_keys_key_printable_ascii', sql`${t.key} ~ '^[ -~]{1,128}$'`),
    check('produce_idempotency_keys_request_hash_sha256', sql`octet_length(${t.requestHash}) = 32`),
    index('produce_idempotency_keys_created_at').on(t.createdAt),
  ],
);

/** Brook processes serving this cluster: each upserts its row every few seconds (alive = seen recently). */
export const brookInstances = pgTable('brook_instances', {
  instanceId: text('instance_id').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  version: text('version').notNull(),
  database: text('database').notNull(),
  startedAt: bigint('started_at', { mode: 'number' }).notNull(),
  lastSeenAt: bigint('last_seen_at', { mode: 'number' }).notNull(),
  /** The Kafka listener as the heartbeat reports it: 'listening', 'off' or 'unavailable' (null: not reported). */
  kafkaState: text('kafka_state'),
  /** The bound address while listening; why not, when unavailable. */
  kafkaListener: text('kafka_listener'),
  kafkaAdvertised: text('kafka_advertised'),
  kafkaNodeId: integer('kafka_node_id'),
  kafkaConnections: integer('kafka_connections').notNull().default(0),
});

/** Kafka node ids: one per advertised address, so a restarted instance keeps its id (unique: Postgres assigns them). */
export const kafkaBrokerIds = pgTable('kafka_broker_ids', {
  advertised: text('advertised').primaryKey(),
  nodeId: integer('node_id').generatedAlwaysAsIdentity().notNull().unique(),
});

/*
 * Users, API tokens, console sessions, login limits and the audit log (server/broker/auth).
 * Times are ms since the epoch, as the engine's clock (`now`) gives them. Secrets are never stored: a
 * password as its scrypt hash and SCRAM credentials, a token or session secret as its SHA-256 (hex).
 */

/** RFC 5802 server-side credential, base64 fields (salt, StoredKey, ServerKey) and the PBKDF2 iteration count. */
export interface StoredScramCredential {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}

type RoleName = 'viewer' | 'producer' | 'admin';
const PRINCIPAL_NAME = '^[A-Za-z0-9._-]{1,64}$';

export const users = pgTable(
  'users',
  {
    name: text('name').primaryKey(),
    role: text('role').$type<RoleName>().notNull(),
    /** `scrypt$N$r$p$salt$hash` (base64): the parameters travel with the hash so they can be raised later. */
    passwordHash: text('password_hash').notNull(),
    scramSha256: jsonb('scram_sha256').$type<StoredScramCredential>().notNull(),
    scramSha512: jsonb('scram_sha512').$type<StoredScramCredential>().notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    check('users_role_known', sql`${t.role} IN ('viewer', 'producer', 'admin')`),
    check('users_name_format', sql`${t.name} ~ '${sql.raw(PRINCIPAL_NAME)}'`),
  ],
);

/** API tokens (`brook_...`): shown once, kept as their SHA-256; a revoked token keeps its row for the record. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    name: text('name').primaryKey(),
    role: text('role').$type<RoleName>().notNull(),
    tokenHash: text('token_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }),
    lastUsedAt: bigint('last_used_at', { mode: 'number' }),
    revokedAt: bigint('revoked_at', { mode: 'number' }),
    /** SCRAM credentials with the token as the password, so Kafka clients can use a token by its name. */
    scramSha256: jsonb('scram_sha256').$type<StoredScramCredential>().notNull(),
    scramSha512: jsonb('scram_sha512').$type<StoredScramCredential>().notNull(),
  },
  (t) => [
    unique('api_tokens_token_hash_unique').on(t.tokenHash),
    check('api_tokens_role_known', sql`${t.role} IN ('viewer', 'producer', 'admin')`),
    check('api_tokens_name_format', sql`${t.name} ~ '${sql.raw(PRINCIPAL_NAME)}'`),
  ],
);

/** Console sessions (cookie `brook_session`): the SHA-256 of the cookie's secret; gone with their user. */
export const sessions = pgTable(
  'sessions',
  {
    secretHash: text('secret_hash').primaryKey(),
    userName: text('user_name')
      .notNull()
      .references(() => users.name, { onDelete: 'cascade', onUpdate: 'cascade' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
    address: text('address'),
  },
  (t) => [index('sessions_expires_at').on(t.expiresAt), index('sessions_user_name').on(t.userName)],
);

/**
 * Failed-login counters, one row per attempted user name and per client address, in a fixed window from
 * its first failure. An address past its limit is refused; a user name past its free failures is
 * throttled: `next_allowed_at` is when the next attempt for it is checked (earlier ones are told to wait).
 * Every attempt claims its rows with one upsert before the password is checked, so concurrent attempts
 * from any number of processes each count.
 */
export const loginFailures = pgTable(
  'login_failures',
  {
    scope: text('scope').$type<'user' | 'address'>().notNull(),
    key: text('key').notNull(),
    windowStart: bigint('window_start', { mode: 'number' }).notNull(),
    failures: integer('failures').notNull(),
    nextAllowedAt: bigint('next_allowed_at', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'login_failures_pkey', columns: [t.scope, t.key] }),
    check('login_failures_scope_known', sql`${t.scope} IN ('user', 'address')`),
    check('login_failures_failures_not_negative', sql`${t.failures} >= 0`),
    index('login_failures_window_start').on(t.windowStart),
  ],
);

/**
 * Secrets the whole cluster shares, made once by whichever instance needs one first (insert if absent, so
 * concurrent instances agree): `scram_fake_salt` keys the salts SCRAM makes up for unknown names, which must
 * be the same on every instance and after restarts, as real users' salts are.
 */
export const clusterSecrets = pgTable('cluster_secrets', {
  name: text('name').primaryKey(),
  secret: bytea('secret').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});

/** Who did what, when, from where, and how it ended; pruned after BROOK_AUDIT_RETENTION_DAYS. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: bigint('at', { mode: 'number' }).notNull(),
    actor: text('actor').notNull(),
    actorKind: text('actor_kind').$type<'user' | 'token' | 'anonymous' | 'unknown'>().notNull(),
    action: text('action').notNull(),
    target: text('target'),
    address: text('address'),
    outcome: text('outcome').$type<'ok' | 'denied' | 'failed'>().notNull(),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [
    check('audit_log_actor_kind_known', sql`${t.actorKind} IN ('user', 'token', 'anonymous', 'unknown')`),
    check('audit_log_outcome_known', sql`${t.outcome} IN ('ok', 'denied', 'failed')`),
    index('audit_log_at').on(t.at),
    index('audit_log_actor_recent').on(t.actor, t.id),
    index('audit_log_action_recent').on(t.action, t.id),
  ],
);

/**
 * Kafka-style ACL bindings (server/broker/auth/acls): a resource pattern and an access control entry. A
 * binding is unique as a whole; creating one already there changes nothing, as in Kafka.
 */
export const acls = pgTable(
  'acls',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    resourceType: text('resource_type').notNull(),
    patternType: text('pattern_type').notNull(),
    resourceName: text('resource_name').notNull(),
    principal: text('principal').notNull(),
    host: text('host').notNull(),
    operation: text('operation').notNull(),
    permission: text('permission').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [
    unique('acls_binding_unique').on(t.resourceType, t.patternType, t.resourceName, t.principal, t.host, t.operation, t.permission),
    check('acls_resource_type_known', sql`${t.resourceType} IN ('TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID')`),
    check('acls_pattern_type_known', sql`${t.patternType} IN ('LITERAL', 'PREFIXED')`),
    check('acls_permission_known', sql`${t.permission} IN ('ALLOW', 'DENY')`),
  ],
);

/** One row: bumped in every ACL change's transaction, so every process can tell its cache is behind. */
export const aclVersion = pgTable(
  'acl_version',
  {
    id: smallint('id').primaryKey(),
    version: bigint('version', { mode: 'number' }).notNull(),
  },
  (t) => [check('acl_version_one_row', sql`${t.id} = 1`)],
);
