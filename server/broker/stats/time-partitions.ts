import type { Database, Queryable } from '@/db/client';
import { UNPREPARED } from '../log/segments';

/**
 * Hourly RANGE partitions for the sample tables (lag_samples, topic_samples): children named
 * <table>_h<hours since the epoch>, created ahead by the sampler, dropped whole once past retention.
 */
export const HOUR_MS = 3_600_000;
export type SampleTable = 'lag_samples' | 'topic_samples';
const TABLES: readonly SampleTable[] = ['lag_samples', 'topic_samples'];

export const hourOf = (ms: number) => Math.floor(ms / HOUR_MS);

export function hourTable(table: SampleTable, hour: number): string {
  if (!TABLES.includes(table) || !Number.isSafeInteger(hour) || hour < 0) throw new Error(`bad sample partition ${table} ${hour}`);
  return `${table}_h${hour}`;
}

/** The hour an `hourTable(table, hour)` name stands for, or null for any other name. */
export function parseHourTable(table: SampleTable, name: string): number | null {
  const hour = Number(/_h(\d+)$/.exec(name)?.[1]);
  return Number.isSafeInteger(hour) && hourTable(table, hour) === name ? hour : null;
}

/** The partitions for `now`'s hour and the next one (idempotent). */
export async function ensureHourPartitions(tx: Queryable, table: SampleTable, now: number): Promise<void> {
  for (const hour of [hourOf(now), hourOf(now) + 1]) {
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${hourTable(table, hour)} PARTITION OF ${table} FOR VALUES FROM (${hour * HOUR_MS}) TO (${(hour + 1) * HOUR_MS})`,
      [],
      UNPREPARED,
    );
  }
}

/** Drops the hours that ended before `now - retentionMs`. Returns how many went. */
export async function dropOldHourPartitions(db: Database, table: SampleTable, now: number, retentionMs: number): Promise<number> {
  const children = await db.query<{ relname: string }>(
    `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass`,
    [table],
  );
  let dropped = 0;
  for (const { relname } of children) {
    const hour = parseHourTable(table, relname);
    if (hour === null || (hour + 1) * HOUR_MS > now - retentionMs) continue;
    await db.query(`DROP TABLE IF EXISTS ${hourTable(table, hour)}`, [], UNPREPARED);
    dropped++;
  }
  return dropped;
}
