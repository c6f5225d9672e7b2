import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type Database, openDatabase, postgresDriverNamed } from '@/db/client';
import { MIGRATIONS_FOLDER } from '@/db/env';

/** A fresh database on the Postgres server for this bench run; dropped at the end. */
export interface BenchDatabase {
  url: string;
  name: string;
  open(poolSize?: number): Promise<Database>;
  drop(): Promise<void>;
  version: string;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `brook_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const [{ version }] = await admin.unsafe<{ version: string }[]>(`SELECT split_part(version(), ' on ', 1) AS version`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = await openDatabase({ url, poolSize: 2 });
  await db.migrate(MIGRATIONS_FOLDER);
  await db.close();
  return {
    url,
    name,
    version,
    // BROOK_DB_DRIVER=postgres.js: the engine cases on postgres.js (the app the HTTP and Kafka cases start reads it too).
    open: (poolSize = 10) => openDatabase({ url, poolSize, driver: postgresDriverNamed(process.env.BROOK_DB_DRIVER) }),
    async drop() {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** 16-byte key, 100-byte value: the rows every scenario writes. */
export const KEY_BYTES = 16;
export const VALUE_BYTES = 100;

export function sampleRecord(i: number): { key: Uint8Array; value: Uint8Array } {
  const key = Buffer.alloc(KEY_BYTES);
  key.write(`key-${String(i % 100_000).padStart(12, '0')}`);
  const value = Buffer.alloc(VALUE_BYTES, 0x61);
  value.write(`value-${i}-`);
  return { key, value };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
