import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './client';
import { createPrivateCluster, type PrivateCluster, postgresBinDir } from './private-cluster';

/**
 * A COMMIT lost with its connection, made on purpose on a private Postgres server, and resolved by asking
 * the server whether the transaction's effects are there (the caller's verify). Committed: a synchronous standby that never answers keeps the COMMIT waiting after it is
 * durable locally; terminating the session then reports "the transaction has already committed locally".
 * Aborted: a deferred trigger sleeps at COMMIT time and the session is terminated before the commit record.
 */
const binDir = postgresBinDir();

describe.skipIf(!binDir)('a COMMIT lost with its connection', () => {
  let cluster: PrivateCluster;
  let db: Database;
  let admin: Database;

  beforeAll(async () => {
    // Every session commits locally; the test's transactions ask for the (absent) standby.
    cluster = await createPrivateCluster(binDir!, { synchronous_standby_names: 'nobody', synchronous_commit: 'local' });
    await cluster.start();
    db = await openDatabase({ url: cluster.url, poolSize: 3, holdMs: 8_000 });
    admin = await openDatabase({ url: cluster.url, poolSize: 2 });
    await admin.query(`CREATE TABLE t (x int)`);
    await admin.query(`CREATE TABLE slow_commit (on_ boolean)`);
    await admin.query(`CREATE FUNCTION sleepy() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF EXISTS (SELECT FROM slow_commit) THEN PERFORM pg_sleep(30); END IF; RETURN NULL; END $$`);
    await admin.query(
      `CREATE CONSTRAINT TRIGGER at_commit AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION sleepy()`,
    );
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    await admin?.close();
    await cluster?.destroy();
  });

  /** Terminates the first session found in `where` (a pg_stat_activity condition). */
  async function terminateWhen(where: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const rows = await admin.query<{ ok: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND ${where}`,
      );
      if (rows.some((r) => r.ok)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no session matched ${where}`);
  }

  it('committed locally, then the connection lost: answered as committed, with the result, and written once', async () => {
    await admin.query(`TRUNCATE t`);
    let runs = 0;
    const tx = db.transaction(
      async (q) => {
        runs++;
        await q.query(`SET LOCAL synchronous_commit = remote_write`);
        await q.query(`INSERT INTO t VALUES (1)`);
        return 'the result';
      },
      { verify: async () => (await db.query(`SELECT 1 FROM t WHERE x = 1`)).length === 1 },
    );
    await terminateWhen(`wait_event = 'SyncRep'`);
    await expect(tx).resolves.toBe('the result');
    expect(runs).toBe(1);
    expect(await admin.query(`SELECT count(*)::int AS n FROM t`)).toEqual([{ n: 1 }]);
  });

  it('aborted at COMMIT, then the connection lost: run again, and written once', async () => {
    await admin.query(`TRUNCATE t`);
    await admin.query(`INSERT INTO slow_commit VALUES (true)`);
    let runs = 0;
    const tx = db.transaction(
      async (q) => {
        runs++;
        await q.query(`INSERT INTO t VALUES (2)`);
        return runs;
      },
      { verify: async () => (await db.query(`SELECT 1 FROM t WHERE x = 2`)).length === 1 },
    );
    await terminateWhen(`wait_event = 'PgSleep'`);
    await admin.query(`TRUNCATE slow_commit`);
    await expect(tx).resolves.toBe(2);
    expect(await admin.query(`SELECT x FROM t`)).toEqual([{ x: 2 }]);
  });
});
