import postgres from 'postgres';
import { sleep } from '../producers';

const SNAPSHOT_EVERY_MS = 1_000;
const MAX_WATCH_MS = 60_000;
const MAX_LINES = 200;

/**
 * Evidence for a slow recovery: when the producers still have no acknowledgement `boundMs` after Postgres
 * came back, what Brook's database sessions are doing, once a second until they have one (pg_stat_activity,
 * from a connection of the harness's own), so a failed run shows whether Brook waits on the database (a
 * lock, a long statement) or on itself (no session busy).
 */
export class StallProbe {
  readonly lines: string[] = [];
  private readonly sql: postgres.Sql;
  private readonly watches: Promise<void>[] = [];
  private closing = false;

  /** `url`: the database's; `healthUrl`: Brook's /api/health, whose answer time tells whether its process is responsive. */
  constructor(
    url: string,
    private readonly healthUrl: string,
  ) {
    this.sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 2, connection: { application_name: 'chaos-probe' } });
  }

  /** Starts watching the recovery labelled `label` (Postgres back at `backAt`) until `done()`; returns at once. */
  watch(label: string, backAt: number, boundMs: number, done: () => boolean): void {
    this.watches.push(this.run(label, backAt, boundMs, done).catch(() => {}));
  }

  private async run(label: string, backAt: number, boundMs: number, done: () => boolean): Promise<void> {
    await sleep(Math.max(0, backAt + boundMs - Date.now()));
    while (!done() && !this.closing && Date.now() - backAt < MAX_WATCH_MS) {
      const since = `${label} +${((Date.now() - backAt) / 1000).toFixed(1)} s`;
      const asked = Date.now();
      const health = await fetch(this.healthUrl, { signal: AbortSignal.timeout(5_000) }).then(
        (res) => `${res.status}`,
        (err: Error) => err.name,
      );
      this.note(`${since}: Brook's /api/health answered ${health} in ${Date.now() - asked} ms`);
      try {
        const rows = await this.sql`
          select pid, state, wait_event_type, wait_event, backend_xid::text as xid,
                 round(extract(epoch from now() - query_start) * 1000) as query_ms,
                 round(extract(epoch from now() - xact_start) * 1000) as xact_ms, left(query, 120) as query
          from pg_stat_activity where application_name = 'brook' order by xact_start nulls last`;
        const busy = rows.filter((r) => r.state !== 'idle');
        this.note(`${since}: ${rows.length} Brook sessions, ${busy.length} not idle`);
        for (const r of busy)
          this.note(
            `  pid ${r.pid} ${r.state} wait ${r.wait_event_type ?? '-'}/${r.wait_event ?? '-'} xid ${r.xid ?? '-'} xact ${r.xact_ms ?? '-'} ms query ${r.query_ms} ms: ${r.query}`,
          );
      } catch (err) {
        this.note(`${since}: pg_stat_activity failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      await sleep(SNAPSHOT_EVERY_MS);
    }
  }

  private note(line: string): void {
    if (this.lines.length < MAX_LINES) this.lines.push(line);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.watches);
    await this.sql.end({ timeout: 1 }).catch(() => {});
  }
}
