import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './client';
import { openTestDatabase, testBackends } from './testing';

/** What the adapter promises on both drivers, so the engine never branches on the driver. */
describe.each(testBackends())('driver adapter on %s', (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(backend, 2);
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
});
