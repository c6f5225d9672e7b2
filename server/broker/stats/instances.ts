import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Database, Queryable } from '@/db/client';

/** Brook processes: each upserts its row on a short period; one not seen for a while is gone. */
export const INSTANCE_ALIVE_MS = 20_000;
const FORGET_AFTER_MS = 3_600_000;

export interface Instance {
  instanceId: string;
  host: string;
  pid: number;
  version: string;
  database: string;
  startedAt: number;
  lastSeenAt: number;
  alive: boolean;
  uptimeMs: number;
}

export class InstanceRegistration {
  readonly instanceId = randomUUID();
  private readonly startedAt: number;

  constructor(
    private readonly db: Database,
    private readonly version: string,
    now: number,
  ) {
    this.startedAt = now;
  }

  async heartbeat(now: number): Promise<void> {
    await this.db.query(
      `INSERT INTO brook_instances (instance_id, host, pid, version, database, started_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (instance_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at`,
      [this.instanceId, os.hostname(), process.pid, this.version, this.db.driver, this.startedAt, now],
      { name: 'instances.heartbeat' },
    );
    await this.db.query(`DELETE FROM brook_instances WHERE last_seen_at < $1`, [now - FORGET_AFTER_MS], { name: 'instances.forget' });
  }

  async leave(): Promise<void> {
    await this.db.query(`DELETE FROM brook_instances WHERE instance_id = $1`, [this.instanceId]);
  }
}

export async function listInstances(db: Queryable, now: number): Promise<Instance[]> {
  const rows = await db.query<{
    instance_id: string;
    host: string;
    pid: number;
    version: string;
    database: string;
    started_at: number;
    last_seen_at: number;
  }>(`SELECT * FROM brook_instances ORDER BY started_at`);
  return rows.map((r) => {
    const alive = now - r.last_seen_at < INSTANCE_ALIVE_MS;
    return {
      instanceId: r.instance_id,
      host: r.host,
      pid: r.pid,
      version: r.version,
      database: r.database,
      startedAt: r.started_at,
      lastSeenAt: r.last_seen_at,
      alive,
      // Up to now while alive: the last heartbeat (every 5 s) froze it, at "8 ms" right after start.
      uptimeMs: (alive ? now : r.last_seen_at) - r.started_at,
    };
  });
}
