import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENV_VARIABLES, EnvError, parseEnv } from './env';
import { getRuntime, peekRuntime, shutdownRuntime } from './runtime';

const errorOf = (source: Record<string, string>) => {
  try {
    parseEnv(source);
  } catch (err) {
    return err;
  }
  return null;
};

describe('environment (server/env.ts)', () => {
  it('parses every variable into its type; blank means unset; other variables are ignored', () => {
    expect(
      parseEnv({
        DATABASE_URL: 'postgres://brook@db:5432/brook',
        BROOK_DATA_DIR: '/var/lib/brook',
        BROOK_DB_POOL: '25',
        BROOK_COALESCE: '0',
        BROOK_LAG_SAMPLE_MS: '1000',
        BROOK_LAG_RETENTION_HOURS: '48',
        BROOK_LOG_MAINTENANCE_MS: ' 2000 ',
        BROOK_GROUP_EXPIRY_MS: '500',
        BROOK_LIVENESS_TIMEOUT_MS: '3000',
        BROOK_ALLOWED_HOSTS: ' brook.internal, ,10.0.0.5',
        BROOK_MAX_BODY_BYTES: '2048',
        BROOK_KAFKA_LISTENER: '0.0.0.0:9093',
        BROOK_KAFKA_ADVERTISED: 'kafka.internal:19093',
        BROOK_KAFKA_MAX_FRAME_BYTES: '1048576',
        PORT: '3140',
        HOSTNAME: '0.0.0.0',
        HOME: '/root',
      }),
    ).toEqual({
      DATABASE_URL: 'postgres://brook@db:5432/brook',
      BROOK_DATA_DIR: '/var/lib/brook',
      BROOK_DB_POOL: 25,
      BROOK_COALESCE: false,
      BROOK_LAG_SAMPLE_MS: 1000,
      BROOK_LAG_RETENTION_HOURS: 48,
      BROOK_LOG_MAINTENANCE_MS: 2000,
      BROOK_GROUP_EXPIRY_MS: 500,
      BROOK_LIVENESS_TIMEOUT_MS: 3000,
      BROOK_ALLOWED_HOSTS: ['brook.internal', '10.0.0.5'],
      BROOK_MAX_BODY_BYTES: 2048,
      BROOK_KAFKA_LISTENER: { host: '0.0.0.0', port: 9093 },
      BROOK_KAFKA_ADVERTISED: { host: 'kafka.internal', port: 19093 },
      BROOK_KAFKA_MAX_FRAME_BYTES: 1_048_576,
      PORT: 3140,
      HOSTNAME: '0.0.0.0',
    });
    expect(parseEnv({ BROOK_DB_POOL: '', DATABASE_URL: '  ' })).toEqual({});
    expect(parseEnv({ BROOK_KAFKA_LISTENER: 'off' })).toEqual({ BROOK_KAFKA_LISTENER: 'off' });
    expect(parseEnv({ BROOK_KAFKA_LISTENER: '[::1]:0' })).toEqual({ BROOK_KAFKA_LISTENER: { host: '::1', port: 0 } });
  });

  it.each([
    ['BROOK_DB_POOL', 'abc'],
    ['BROOK_DB_POOL', '0'],
    ['BROOK_DB_POOL', '1e3'],
    ['BROOK_COALESCE', 'yes'],
    ['BROOK_LAG_SAMPLE_MS', '-1000'],
    ['BROOK_LAG_SAMPLE_MS', '0'],
    ['BROOK_LAG_RETENTION_HOURS', '1.5'],
    ['BROOK_LOG_MAINTENANCE_MS', '-5'],
    ['BROOK_GROUP_EXPIRY_MS', '3000000000'], // past the longest timer: Node would run it every millisecond
    ['BROOK_LIVENESS_TIMEOUT_MS', '60s'],
    ['BROOK_MAX_BODY_BYTES', '100'],
    ['BROOK_KAFKA_LISTENER', '9092'],
    ['BROOK_KAFKA_LISTENER', 'localhost:70000'],
    ['BROOK_KAFKA_LISTENER', 'kafka://localhost:9092'],
    ['BROOK_KAFKA_ADVERTISED', 'off'],
    ['BROOK_KAFKA_ADVERTISED', 'kafka.internal:0'],
    ['BROOK_KAFKA_MAX_FRAME_BYTES', '3000000000'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://root@db/brook'],
    ['DATABASE_URL', 'postgres://u@db1:5432,db2:5432/brook'],
    ['BROOK_ALLOWED_HOSTS', 'https://brook.example'],
    ['BROOK_ALLOWED_HOSTS', 'brook.internal,host/path'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    const err = errorOf({ [name]: value });
    expect(err).toBeInstanceOf(EnvError);
    expect((err as EnvError).variables).toEqual([name]);
    expect((err as Error).message).toContain(name);
  });

  it('names every bad variable at once, and never repeats a DATABASE_URL (it may hold a password)', () => {
    const err = errorOf({ BROOK_DB_POOL: 'abc', PORT: '-1', DATABASE_URL: 'mysql://u:hunter2@db/x' }) as EnvError;
    expect(err.variables.sort()).toEqual(['BROOK_DB_POOL', 'DATABASE_URL', 'PORT']);
    expect(err.message).toContain('got "abc"');
    expect(err.message).not.toContain('hunter2');
  });

  it("matches the README's table of variables, both ways", () => {
    const readme = fs.readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const section = readme.split('\n## Configuration\n')[1]?.split('\n#')[0] ?? '';
    const listed = [...section.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...ENV_VARIABLES].sort());
  });
});

describe('start-up with a bad value', () => {
  const saved = { ...process.env };
  afterEach(async () => {
    process.env = { ...saved };
    await shutdownRuntime();
  });

  it.each([
    ['BROOK_DB_POOL', 'abc'],
    ['BROOK_LOG_MAINTENANCE_MS', '-5'],
  ])('stops with a message naming %s=%s, before opening the database', async (name, value) => {
    process.env = { ...saved, BROOK_DATA_DIR: 'memory://', [name]: value };
    delete process.env.DATABASE_URL;
    const err = await getRuntime().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(name);
    expect(peekRuntime()).toBeUndefined();
  });
});
