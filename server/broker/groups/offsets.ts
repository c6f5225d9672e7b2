import type { Database, Queryable } from '@/db/client';
import { BrokerError } from '../errors';
import { must } from '../invariant';
import { offsetForTimestamp } from '../log/read';
import { textProblem } from '../text';
import { BURROW_WINDOW } from './burrow';
import { checkClassicCommit } from './classic';
import { checkCommit, fenceExpired, groupStateName } from './coordinator';
import { partitionCounts, readGroup, validateGroupId, withLockedGroup } from './store';
import { type GroupState, tpKey } from './types';

export interface OffsetCommit {
  topic: string;
  partition: number;
  /** The next offset the group will read (Kafka's convention). */
  offset: number;
  metadata?: string | null;
}

export interface CommitRequest {
  groupId: string;
  memberId?: string | null;
  memberEpoch?: number | null;
  offsets: OffsetCommit[];
  /** From Kafka's OffsetCommit (classic members, simple consumers): checked as Kafka does (see classic.ts). */
  classic?: { generationId: number; groupInstanceId?: string | null } | null;
}

export const MAX_OFFSET_METADATA = 4096;

interface PartitionMarks {
  topic: string;
  partition: number;
  partition_id: number;
  log_start_offset: number;
  high_watermark: number;
}

/** Watermarks of the named topics' partitions, keyed "topic:partition". */
async function marksOf(db: Queryable, topics: readonly string[]): Promise<Map<string, PartitionMarks>> {
  const rows = await db.query<PartitionMarks>(
    `SELECT t.name AS topic, tp.partition, tp.id AS partition_id, tp.log_start_offset, tp.high_watermark
       FROM topics t JOIN topic_partitions tp ON tp.topic_id = t.id
      WHERE t.name = ANY($1::text[])`,
    [[...new Set(topics)]],
    { name: 'watermarks_of_topics' },
  );
  return new Map(rows.map((r) => [tpKey(r.topic, r.partition), r]));
}

function validateCommitShape(req: CommitRequest): void {
  validateGroupId(req.groupId);
  if (req.offsets.length === 0) throw new BrokerError('INVALID_REQUEST', 'A commit needs at least one offset.');
  const seen = new Set<string>();
  for (const o of req.offsets) {
    if (!Number.isSafeInteger(o.offset) || o.offset < 0) {
      throw new BrokerError(
        'INVALID_REQUEST',
        `Offset ${o.offset} for ${o.topic}-${o.partition} is not a valid offset (it must be a non-negative integer).`,
      );
    }
    if ((o.metadata ?? '').length > MAX_OFFSET_METADATA) {
      throw new BrokerError(
        'OFFSET_METADATA_TOO_LARGE',
        `Commit metadata for ${o.topic}-${o.partition} is longer than ${MAX_OFFSET_METADATA} characters.`,
      );
    }
    const problem = textProblem(o.metadata ?? '', { controls: true });
    if (problem) throw new BrokerError('INVALID_REQUEST', `Commit metadata for ${o.topic}-${o.partition} ${problem}.`);
    const key = tpKey(o.topic, o.partition);
    if (seen.has(key)) throw new BrokerError('INVALID_REQUEST', `${o.topic}-${o.partition} appears twice in one commit.`);
    seen.add(key);
  }
}

/**
 * Commits offsets. With a member, the coordinator checks it is alive, at its epoch and owns each
 * partition (so a fenced zombie cannot move the group); without one, only while the group is empty.
 * Every offset must name an existing partition and lie within [0, high watermark].
 */
export async function commitOffsets(db: Database, req: CommitRequest, now: number, since = -Infinity): Promise<void> {
  validateCommitShape(req);
  const marks = await marksOf(
    db,
    req.offsets.map((o) => o.topic),
  );
  for (const o of req.offsets) {
    const m = marks.get(tpKey(o.topic, o.partition));
    if (!m) throw new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `Cannot commit for ${o.topic}-${o.partition}: no such topic or partition.`);
    if (o.offset > m.high_watermark) {
      throw new BrokerError(
        'OFFSET_OUT_OF_RANGE',
        `Offset ${o.offset} for ${o.topic}-${o.partition} is beyond its high watermark ${m.high_watermark}.`,
      );
    }
  }
  await withLockedGroup<void>(db, req.groupId, { op: 'commit', create: !req.memberId, now, since }, async (tx, state) => {
    if (!state)
      return {
        error: new BrokerError('UNKNOWN_MEMBER_ID', `Group "${req.groupId}" has no member "${req.memberId}" (the group does not exist).`),
      };
    const partitions = req.offsets.map((o) => tpKey(o.topic, o.partition));
    const out = req.classic
      ? checkClassicCommit(state, { memberId: req.memberId ?? '', ...req.classic, partitions }, now)
      : checkCommit(state, { memberId: req.memberId, memberEpoch: req.memberEpoch, partitions }, now);
    if (out.error) return { state: out.state, error: out.error };
    await writeOffsets(tx, req.groupId, req.offsets, marks, now);
    return { state: out.state };
  });
}

async function writeOffsets(
  tx: Queryable,
  groupId: string,
  offsets: readonly OffsetCommit[],
  marks: Map<string, PartitionMarks>,
  now: number,
  { history = true } = {},
) {
  const topics = offsets.map((o) => o.topic);
  const partitions = offsets.map((o) => o.partition);
  await tx.query(
    `INSERT INTO group_offsets (group_id, topic, partition, committed_offset, metadata, committed_at)
     SELECT $1, t, p, o, m, $6 FROM unnest($2::text[], $3::int[], $4::bigint[], $5::text[]) AS c(t, p, o, m)
     ON CONFLICT (group_id, topic, partition)
     DO UPDATE SET committed_offset = EXCLUDED.committed_offset, metadata = EXCLUDED.metadata, committed_at = EXCLUDED.committed_at`,
    [groupId, topics, partitions, offsets.map((o) => o.offset), offsets.map((o) => o.metadata ?? ''), now],
    { name: 'commit.offsets' },
  );
  if (!history) return;
  // The Burrow window: remember each commit with the high watermark of the moment, keep the last few.
  await tx.query(
    `INSERT INTO group_offset_commits (group_id, topic, partition, committed_offset, high_watermark, committed_at)
     SELECT $1, t, p, o, h, $6 FROM unnest($2::text[], $3::int[], $4::bigint[], $5::bigint[]) AS c(t, p, o, h)`,
    [
      groupId,
      topics,
      partitions,
      offsets.map((o) => o.offset),
      offsets.map(
        (o) => must(marks.get(tpKey(o.topic, o.partition)), 'commitOffsets checked that every offset names a partition').high_watermark,
      ),
      now,
    ],
    { name: 'commit.history' },
  );
  await tx.query(
    `DELETE FROM group_offset_commits c USING (
       SELECT id FROM (
         SELECT id, row_number() OVER (PARTITION BY topic, partition ORDER BY id DESC) AS n
           FROM group_offset_commits WHERE group_id = $1 AND topic = ANY($2::text[])
       ) ranked WHERE n > $3
     ) old WHERE c.id = old.id`,
    [groupId, [...new Set(topics)], BURROW_WINDOW * 2],
    { name: 'commit.trim_history' },
  );
}

export interface CommittedOffset {
  partition: number;
  offset: number;
  metadata: string;
  committedAt: number;
}

export async function fetchOffsets(
  db: Queryable,
  groupId: string,
  topics?: readonly string[] | null,
): Promise<Array<{ topic: string; partitions: CommittedOffset[] }>> {
  validateGroupId(groupId);
  const rows = await db.query<{ topic: string; partition: number; committed_offset: number; metadata: string; committed_at: number }>(
    `SELECT topic, partition, committed_offset, metadata, committed_at FROM group_offsets
      WHERE group_id = $1 AND ($2::text[] IS NULL OR topic = ANY($2::text[]))
      ORDER BY topic, partition`,
    [groupId, topics?.length ? [...topics] : null],
    { name: 'groups.fetch_offsets' },
  );
  const byTopic = new Map<string, CommittedOffset[]>();
  for (const r of rows) {
    const list = byTopic.get(r.topic) ?? [];
    list.push({ partition: r.partition, offset: r.committed_offset, metadata: r.metadata, committedAt: r.committed_at });
    byTopic.set(r.topic, list);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

/**
 * Where to move the offsets: Kafka's --to-earliest, --to-latest, --to-datetime (ms since the epoch, UTC),
 * --to-offset (clamped to the log), or explicit per-partition offsets (what a dry run showed, applied as is).
 */
export type ResetTarget =
  | 'earliest'
  | 'latest'
  | { timestamp: number }
  | { offset: number }
  | { offsets: ReadonlyArray<{ partition: number; offset: number }> };

export interface ResetRequest {
  groupId: string;
  topic: string;
  partitions?: number[] | null;
  to: ResetTarget;
  dryRun?: boolean;
}

export interface ResetResult {
  topic: string;
  partition: number;
  /** null where the group had no committed offset. */
  previousOffset: number | null;
  newOffset: number;
}

/**
 * Kafka's `kafka-consumer-groups --reset-offsets`: applied only while the group has no members. A dry
 * run returns the new positions without writing them (and, unlike Kafka's tool, also for an active group). An exact offset outside the log is moved to the
 * nearest valid one, as Kafka's tool does.
 */
export async function resetOffsets(db: Database, req: ResetRequest, now: number, since = -Infinity): Promise<ResetResult[]> {
  validateGroupId(req.groupId);
  const marks = await marksOf(db, [req.topic]);
  const all = [...marks.values()].sort((a, b) => a.partition - b.partition);
  if (all.length === 0) throw new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${req.topic}" does not exist.`);
  const explicit = typeof req.to === 'object' && 'offsets' in req.to ? explicitOffsets(req.to.offsets, req.partitions) : null;
  const wanted = explicit ? [...explicit.keys()] : req.partitions;
  const chosen = wanted?.length ? wanted.map((p) => marks.get(tpKey(req.topic, p)) ?? p) : all;
  const missing = chosen.find((m) => typeof m === 'number');
  if (missing !== undefined) throw new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `Topic "${req.topic}" has no partition ${missing}.`);
  const targets = chosen as PartitionMarks[];

  const positions: Array<{ marks: PartitionMarks; offset: number }> = [];
  for (const m of targets) {
    const exact = explicit?.get(m.partition);
    // Explicit offsets are what a dry run showed: if retention moved the log start past one since, the
    // preview is stale and applying it would leave the group out of range; say so instead.
    if (exact !== undefined && (exact > m.high_watermark || exact < m.log_start_offset)) {
      throw new BrokerError(
        'OFFSET_OUT_OF_RANGE',
        `Offset ${exact} for ${req.topic}-${m.partition} is outside its log (${m.log_start_offset} to ${m.high_watermark}); run the dry run again.`,
      );
    }
    positions.push({ marks: m, offset: exact ?? (await resolveTarget(db, m, req.to as SingleTarget)) });
  }

  return withLockedGroup<ResetResult[]>(db, req.groupId, { op: 'reset_offsets', create: !req.dryRun, now, since }, async (tx, state) => {
    const live = state ? await liveGroup(tx, state, now) : null;
    // A dry run only reads: it may preview while the group is active; applying waits until it is empty.
    if (live && live.members.length > 0 && !req.dryRun) {
      return {
        state: live,
        error: new BrokerError(
          'NON_EMPTY_GROUP',
          `Offsets of group "${req.groupId}" can only be reset while it has no members; it is ${groupStateName(live)} with ${live.members.length}. Stop its consumers first.`,
        ),
      };
    }
    const current = new Map(
      (await fetchOffsets(tx, req.groupId, [req.topic])).flatMap((t) => t.partitions.map((p) => [p.partition, p.offset] as const)),
    );
    const result = positions.map((p) => ({
      topic: req.topic,
      partition: p.marks.partition,
      previousOffset: current.get(p.marks.partition) ?? null,
      newOffset: p.offset,
    }));
    if (!req.dryRun) {
      await writeOffsets(
        tx,
        req.groupId,
        positions.map((p) => ({ topic: req.topic, partition: p.marks.partition, offset: p.offset })),
        marks,
        now,
        { history: false },
      );
      // A reset is not the consumer's progress: start the status window afresh.
      await tx.query(`DELETE FROM group_offset_commits WHERE group_id = $1 AND topic = $2 AND partition = ANY($3::int[])`, [
        req.groupId,
        req.topic,
        positions.map((p) => p.marks.partition),
      ]);
    }
    return { state: live ?? undefined, value: result };
  });
}

type SingleTarget = Exclude<ResetTarget, { offsets: unknown }>;

/** Explicit offsets by partition: each partition once, each offset a non-negative integer. */
function explicitOffsets(
  offsets: ReadonlyArray<{ partition: number; offset: number }>,
  partitions: readonly number[] | null | undefined,
): Map<number, number> {
  if (partitions?.length)
    throw new BrokerError('INVALID_REQUEST', 'With explicit offsets, the partitions are the ones they name: leave `partitions` out.');
  if (offsets.length === 0) throw new BrokerError('INVALID_REQUEST', 'Explicit offsets need at least one partition.');
  const out = new Map<number, number>();
  for (const { partition, offset } of offsets) {
    if (!Number.isSafeInteger(partition) || partition < 0)
      throw new BrokerError('INVALID_REQUEST', `Partition ${partition} is not a valid partition number.`);
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw new BrokerError(
        'INVALID_REQUEST',
        `Offset ${offset} for partition ${partition} is not a valid offset (a non-negative integer).`,
      );
    if (out.has(partition)) throw new BrokerError('INVALID_REQUEST', `Partition ${partition} appears twice.`);
    out.set(partition, offset);
  }
  return out;
}

async function resolveTarget(db: Queryable, m: PartitionMarks, to: SingleTarget): Promise<number> {
  if (to === 'earliest') return m.log_start_offset;
  if (to === 'latest') return m.high_watermark;
  if ('offset' in to) {
    if (!Number.isSafeInteger(to.offset)) throw new BrokerError('INVALID_REQUEST', `Offset ${to.offset} is not an integer.`);
    return Math.min(Math.max(to.offset, m.log_start_offset), m.high_watermark);
  }
  if (!Number.isSafeInteger(to.timestamp) || to.timestamp < 0)
    throw new BrokerError('INVALID_TIMESTAMP', `Timestamp ${to.timestamp} is not valid.`);
  return (await offsetForTimestamp(db, m.partition_id, to.timestamp))?.offset ?? m.high_watermark;
}

/** Kafka's OffsetDelete: not for a topic the group's live members subscribe to. */
export async function deleteOffsets(
  db: Database,
  req: { groupId: string; topic: string; partitions?: number[] | null },
  now: number,
  since = -Infinity,
): Promise<number> {
  validateGroupId(req.groupId);
  return withLockedGroup<number>(db, req.groupId, { op: 'delete_offsets', create: false, now, since }, async (tx, state) => {
    if (!state) return { error: groupNotFound(req.groupId) };
    const live = await liveGroup(tx, state, now);
    if (live.members.some((m) => m.subscribedTopics.includes(req.topic))) {
      return {
        state: live,
        error: new BrokerError(
          'GROUP_SUBSCRIBED_TO_TOPIC',
          `Group "${req.groupId}" has members subscribed to "${req.topic}"; its offsets cannot be deleted now.`,
        ),
      };
    }
    const rows = await tx.query(
      `DELETE FROM group_offsets WHERE group_id = $1 AND topic = $2 AND ($3::int[] IS NULL OR partition = ANY($3::int[])) RETURNING partition`,
      [req.groupId, req.topic, req.partitions?.length ? req.partitions : null],
    );
    await tx.query(
      `DELETE FROM group_offset_commits WHERE group_id = $1 AND topic = $2 AND ($3::int[] IS NULL OR partition = ANY($3::int[]))`,
      [req.groupId, req.topic, req.partitions?.length ? req.partitions : null],
    );
    return { state: live, value: rows.length };
  });
}

/**
 * The group as it stands at `now`: members whose session or rebalance timeout ran out are fenced first,
 * so admin operations (reset, delete) judge "has members" as Kafka's coordinator would.
 */
async function liveGroup(tx: Queryable, state: GroupState, now: number): Promise<GroupState> {
  const counts = await partitionCounts(
    tx,
    state.members.flatMap((m) => m.subscribedTopics),
  );
  return fenceExpired(state, { now, partitionCounts: counts, newMemberId: () => '' }).state;
}

/** Deletes a group with its offsets, only when it has no members (NON_EMPTY_GROUP otherwise). */
export async function deleteGroup(db: Database, groupId: string, now: number, since = -Infinity): Promise<void> {
  validateGroupId(groupId);
  await withLockedGroup<void>(db, groupId, { op: 'delete_group', create: false, now, since }, async (tx, state) => {
    if (!state) return { error: groupNotFound(groupId) };
    const live = await liveGroup(tx, state, now);
    if (live.members.length > 0) {
      return {
        state: live,
        error: new BrokerError(
          'NON_EMPTY_GROUP',
          `Group "${groupId}" still has ${live.members.length} member(s); only an empty group can be deleted.`,
        ),
      };
    }
    await tx.query(`DELETE FROM consumer_groups WHERE group_id = $1`, [groupId]);
    return {};
  });
}

export function groupNotFound(groupId: string): BrokerError {
  return new BrokerError('GROUP_ID_NOT_FOUND', `Group "${groupId}" does not exist.`);
}

export async function existingGroup(db: Queryable, groupId: string): Promise<GroupState> {
  validateGroupId(groupId);
  const s = await readGroup(db, groupId);
  if (!s) throw groupNotFound(groupId);
  return s;
}
