import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './client';
import { openTestDatabase, postgresUrl, testBackends } from './testing';

/** PGlite, the Postgres server on node-postgres, and (to keep the comparison honest) on postgres.js. */
const drivers: Array<[string, () => Promise<Database>]> = [
  ...testBackends().map((b): [string, () => Promise<Database>] => [b, () => openTestDatabase(b, 2)]),
  ...(postgresUrl()
    ? [
        ['postgres via postgres.js', () => openDatabase({ url: postgresUrl(), poolSize: 2, driver: 'postgres.js' })] as [
          string,
          () => Promise<Database>,
        ],
      ]
    : []),
];

/** What the adapter promises on every driver, so the engine never branches on the driver. */
describe.each(drivers)('driver adapter on %s', (_name, open) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('binds a jsonb parameter given as JSON text or as a value the same way, and returns it parsed', async () => {
    // postgres.js stringified a string once more: '{"a":1}' was stored as the JSON string "{\"a\":1}".
    for (const prepare of [true, false]) {
      const [row] = await db.query<{ text: unknown; value: unknown; json: unknown }>(
        `SELECT $1::jsonb AS text, $2::jsonb AS value, $3::json AS json`,
        ['{"a":1}', { b: [2] }, '{"c":"3"}'],
        { prepare },
      );
      expect(row).toEqual({ text: { a: 1 }, value: { b: [2] }, json: { c: '3' } });
    }
    const [inTx] = await db.transaction((tx) => tx.query<{ j: unknown }>(`SELECT $1::jsonb AS j`, ['{"a":1}']));
    expect(inTx.j).toEqual({ a: 1 });
  });

  it('returns int8 as a number, bytea as a Uint8Array, timestamptz as a Date', async () => {
    const [row] = await db.query<{ n: unknown; b: unknown; t: unknown }>(
      `SELECT 9007199254740991::int8 AS n, '\\x0102'::bytea AS b, '2026-01-02T03:04:05Z'::timestamptz AS t`,
    );
    expect(row.t).toEqual(new Date('2026-01-02T03:04:05Z'));
    expect(row.n).toBe(9007199254740991);
    expect(row.b).toBeInstanceOf(Uint8Array);
    expect([...(row.b as Uint8Array)]).toEqual([1, 2]);
  });

  it('binds arrays as Postgres arrays and reads int8[] as numbers', async () => {
    const [row] = await db.query<{ ids: unknown; names: unknown; big: unknown }>(
      `SELECT $1::int[] AS ids, $2::text[] AS names, ARRAY[1, 9007199254740991]::int8[] AS big`,
      [
        [1, 2],
        ['a', 'b"c'],
      ],
    );
    expect(row).toEqual({ ids: [1, 2], names: ['a', 'b"c'], big: [1, 9007199254740991] });
  });

  it('copies binary rows in, rolls a failed transaction back, and delivers notifications', async () => {
    const table = `copy_check_${Math.random().toString(36).slice(2, 8)}`;
    await db.query(`CREATE TABLE ${table} (n int4)`, [], { prepare: false });
    // PGCOPY header, one row of one int4 field (7), trailer.
    const copy = Buffer.concat([
      Buffer.from('PGCOPY\n\xff\r\n\0', 'binary'),
      Buffer.alloc(8),
      Buffer.from([0, 1, 0, 0, 0, 4, 0, 0, 0, 7]),
      Buffer.from([0xff, 0xff]),
    ]);
    await db.copyIn(table, ['n'], copy);
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${table} VALUES (8)`, [], { prepare: false });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await db.query(`SELECT n FROM ${table}`, [], { prepare: false })).toEqual([{ n: 7 }]);
    await db.query(`DROP TABLE ${table}`, [], { prepare: false });

    const got: string[] = [];
    const stop = await db.listen('brook_adapter_check', (p) => got.push(p));
    await db.query(`SELECT pg_notify('brook_adapter_check', 'hello')`);
    for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await stop();
    expect(got).toEqual(['hello']);
  });
});

describe.skipIf(!postgresUrl())('node-postgres pool', () => {
  it('keeps a connection that met an SQL error (a missing table, a check violation): only a lost one is replaced', async () => {
    const db = await openDatabase({ url: postgresUrl(), poolSize: 1 });
    try {
      const pid = async () => (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0].pid;
      const before = await pid();
      await expect(db.query('SELECT * FROM no_such_table_here', [], { prepare: false })).rejects.toMatchObject({ code: '42P01' });
      await expect(db.transaction((tx) => tx.query('SELECT 1/0'))).rejects.toMatchObject({ code: '22012' });
      expect(await pid()).toBe(before);
      // Terminated from outside: the next call gets a new connection (held and retried, or failed once as unavailable).
      await db.query('SELECT pg_terminate_backend($1)', [before]).catch(() => {});
      let after: number | null = null;
      for (let i = 0; i < 20 && after === null; i++) after = await pid().catch(() => null);
      expect(after).not.toBe(before);
      expect(after).not.toBeNull();
    } finally {
      await db.close();
    }
  });
});
