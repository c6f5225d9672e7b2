import type { Database, Queryable } from '@/db/client';
import { BrokerError } from '../errors';
import { textProblem } from '../text';
import { memberDeadline, resumeClocks } from './coordinator';
import { type GroupState, newGroup } from './types';

/**
 * Groups in Postgres: one row per group holding the coordinator's state, locked FOR UPDATE for every
 * change. That lock is what makes two Brook processes act as one coordinator.
 */

export const MAX_GROUP_ID = 255;

export function validateGroupId(groupId: string): void {
  if (groupId.trim().length === 0) throw new BrokerError('INVALID_GROUP_ID', 'The group id is empty.');
  if (groupId.length > MAX_GROUP_ID) throw new BrokerError('INVALID_GROUP_ID', `The group id is longer than ${MAX_GROUP_ID} characters.`);
  const problem = textProblem(groupId);
  if (problem) throw new BrokerError('INVALID_GROUP_ID', `The group id ${problem}.`);
}

/** The adapter hands jsonb back parsed; the coordinator wrote every state stored. */
const parse = (v: unknown): GroupState => v as GroupState;

/** The earliest moment one of the members runs out of time, for the expiry scan's index. */
export function nextDeadline(s: GroupState): number | null {
  let next: number | null = null;
  for (const m of s.members) {
    const d = memberDeadline(s, m);
    if (next === null || d < next) next = d;
  }
  return next;
}

export async function readGroup(db: Queryable, groupId: string): Promise<GroupState | null> {
  const [row] = await db.query<{ state: unknown }>(`SELECT state FROM consumer_groups WHERE group_id = $1`, [groupId], {
    name: 'groups.read',
  });
  return row ? parse(row.state) : null;
}

export async function readGroups(db: Queryable): Promise<GroupState[]> {
  const rows = await db.query<{ state: unknown }>(`SELECT state FROM consumer_groups ORDER BY group_id`, [], { name: 'groups.read_all' });
  return rows.map((r) => parse(r.state));
}

/**
 * Runs `fn` with the group's row locked. With `create`, a missing group is created first (Empty).
 * What `fn` returns as `state` is saved in the same transaction; `error` is thrown after the commit,
 * so that what the coordinator did on the way (fencing expired members) is kept. `fn` sees the members'
 * clocks resumed from `since`, when the database last became reachable (resumeClocks): nobody is fenced
 * for heartbeats an outage kept from arriving.
 */
export async function withLockedGroup<T>(
  db: Database,
  groupId: string,
  /** `op` names the statements in the metrics (heartbeat.lock_group, commit.save_group, ...). */
  /** `since`: when the database last became reachable, on the coordinator's clock (see resumeClocks). */
  opts: { op: string; create: boolean; now: number; since: number },
  fn: (tx: Queryable, state: GroupState | null) => Promise<{ state?: GroupState; value?: T; error?: BrokerError }>,
): Promise<T> {
  const out = await db.transaction(async (tx) => {
    if (opts.create) {
      const fresh = newGroup(groupId, opts.now);
      await tx.query(
        `INSERT INTO consumer_groups (group_id, state, group_epoch) VALUES ($1, $2::jsonb, 0) ON CONFLICT (group_id) DO NOTHING`,
        [groupId, fresh],
        { name: `${opts.op}.create_group` },
      );
    }
    const [row] = await tx.query<{ state: unknown }>(`SELECT state FROM consumer_groups WHERE group_id = $1 FOR UPDATE`, [groupId], {
      name: `${opts.op}.lock_group`,
    });
    const before = row ? parse(row.state) : null;
    const result = await fn(tx, before && resumeClocks(before, opts.since));
    // A refused call often returns an equal copy (an unknown member's heartbeat): no write, no new updated_at.
    if (result.state && result.state !== before && JSON.stringify(result.state) !== JSON.stringify(before))
      await saveGroup(tx, result.state, opts.op);
    return result;
  });
  if (out.error) throw out.error;
  return out.value as T;
}

export async function saveGroup(tx: Queryable, s: GroupState, op: string): Promise<void> {
  await tx.query(
    `UPDATE consumer_groups SET state = $2::jsonb, group_epoch = $3, expires_at = $4, updated_at = now() WHERE group_id = $1`,
    [s.groupId, s, s.groupEpoch, nextDeadline(s)],
    { name: `${op}.save_group` },
  );
}

/** Groups where some member's time may be up (the expiry loop then checks each under its lock). */
export async function groupsPastDeadline(db: Queryable, now: number): Promise<string[]> {
  const rows = await db.query<{ group_id: string }>(
    `SELECT group_id FROM consumer_groups WHERE expires_at IS NOT NULL AND expires_at < $1 ORDER BY expires_at LIMIT 1000`,
    [now],
    { name: 'groups.past_deadline' },
  );
  return rows.map((r) => r.group_id);
}

/** Partition counts of the given topics that exist. */
export async function partitionCounts(db: Queryable, topics: readonly string[]): Promise<Record<string, number>> {
  if (topics.length === 0) return {};
  const rows = await db.query<{ name: string; partition_count: number }>(
    `SELECT name, partition_count FROM topics WHERE name = ANY($1::text[])`,
    [[...new Set(topics)]],
    { name: 'partition_counts' },
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.partition_count]));
}
