import { z } from 'zod';
import { type DatabaseOptions, POSTGRES_DRIVERS } from '@/db/client';
import { hostName } from './host-name';
import { type HostPort, parseHostPort } from './kafka/listener/address';

/**
 * Brook's configuration: every environment variable it reads, parsed and checked here and nowhere
 * else. A bad value stops start-up with a message naming the variable, instead of being ignored (a
 * silently ignored BROOK_DB_POOL=abc, or a negative period that runs a loop every millisecond).
 * The README's table of variables is checked against this schema by env.test.ts.
 */

/** Longest delay setTimeout/setInterval honour (2^31-1 ms); Node runs a longer one after 1 ms instead. */
export const MAX_TIMER_MS = 2_147_483_647;

function wholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .transform((s, ctx) => {
      const n = /^\d+$/.test(s) ? Number(s) : Number.NaN;
      if (n >= min && n <= max) return n;
      ctx.issues.push({ code: 'custom', message, input: s });
      return z.NEVER;
    })
    .optional();
}

const period = () => wholeNumber(1, MAX_TIMER_MS);

/** `host:port` (IPv6 in brackets); a listener may ask for port 0 (any free port) or be `off`. */
function hostPort<Off extends boolean>(options: { minPort: number; off: Off }) {
  const example = `e.g. 127.0.0.1:9092, [::1]:9092 or kafka.internal:9092${options.off ? ', or off' : ''}`;
  return z
    .string()
    .transform((s, ctx): HostPort | (Off extends true ? 'off' : never) => {
      if (options.off && s === 'off') return 'off' as Off extends true ? 'off' : never;
      const parsed = parseHostPort(s, options.minPort);
      if (parsed) return parsed;
      ctx.issues.push({ code: 'custom', message: `must be host:port, ${example}`, input: s });
      return z.NEVER;
    })
    .optional();
}

/** A switch: 0 (off) or 1 (on). */
const onOff = () =>
  z
    .enum(['0', '1'], { error: 'must be 0 (off) or 1 (on)' })
    .transform((v) => v === '1')
    .optional();

/** A duration such as 90s, 30m, 24h or 7d (or plain milliseconds), from `min` to `max` ms. */
function duration(minMs: number, maxMs: number) {
  const unit: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return z
    .string()
    .transform((s, ctx) => {
      const m = /^(\d+)(ms|s|m|h|d)?$/.exec(s);
      const ms = m ? Number(m[1]) * unit[m[2] ?? 'ms'] : Number.NaN;
      if (ms >= minMs && ms <= maxMs) return ms;
      ctx.issues.push({
        code: 'custom',
        message: `must be a duration such as 90s, 30m, 24h or 7d, from ${minMs} ms to ${maxMs / 86_400_000} days`,
        input: s,
      });
      return z.NEVER;
    })
    .optional();
}

const ROLE_NAMES = ['viewer', 'producer', 'admin'] as const;

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// or postgresql:// URL (leave it unset for embedded PGlite)' })
    // Several hosts (postgres://a,b/db) would pin each pooled connection to the first one (see db/client.ts).
    .refine((url) => !/^postgres(ql)?:\/\/([^/@]*@)?[^/]*,/.test(url), { error: 'must name one host: multi-host URLs are not supported' })
    .optional(),
  BROOK_DATA_DIR: z.string().optional(),
  BROOK_DB_POOL: wholeNumber(1, 1000),
  /** How long a call is held through a database outage before it fails (db/hold.ts); 0 fails at once. */
  BROOK_DB_HOLD_MS: wholeNumber(0, 120_000),
  /** The Postgres driver: pg (node-postgres, the default) or postgres.js, kept to measure the choice again (docs/storage.md). */
  BROOK_DB_DRIVER: z.enum(POSTGRES_DRIVERS, { error: `must be one of: ${POSTGRES_DRIVERS.join(', ')}` }).optional(),
  BROOK_COALESCE: onOff(),
  BROOK_LAG_SAMPLE_MS: period(),
  BROOK_LAG_RETENTION_HOURS: wholeNumber(1, 24 * 366),
  BROOK_LOG_MAINTENANCE_MS: period(),
  BROOK_GROUP_EXPIRY_MS: period(),
  BROOK_LIVENESS_TIMEOUT_MS: period(),
  BROOK_ALLOWED_HOSTS: z
    .string()
    .transform((s, ctx) => {
      const names = s
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean);
      // A URL or a path here would be dropped silently and every request refused with 421: say so now.
      const bad = names.filter((h) => h !== '*' && hostName(h) === null);
      if (bad.length > 0) {
        ctx.issues.push({
          code: 'custom',
          message: `must be host names or IP addresses (optionally :port), comma-separated, or *; not ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
          input: s,
        });
        return z.NEVER;
      }
      return names;
    })
    .optional(),
  /** The online-store example's members: how long after a crash their partitions move. */
  BROOK_SHOP_SESSION_TIMEOUT_MS: wholeNumber(1_000, 3_600_000),
  BROOK_MAX_BODY_BYTES: wholeNumber(1024, Number.MAX_SAFE_INTEGER),
  BROOK_BODY_IDLE_MS: wholeNumber(100, 120_000),
  BROOK_BODY_TIMEOUT_MS: wholeNumber(1_000, 120_000),
  /** Unset: 127.0.0.1:9092, skipped with a log line if that port is taken. Set: must bind, or start-up stops. */
  BROOK_KAFKA_LISTENER: hostPort({ minPort: 0, off: true }),
  /** What Metadata tells clients to dial; unset: the listener's address (the machine's name for 0.0.0.0 or ::). */
  BROOK_KAFKA_ADVERTISED: hostPort({ minPort: 1, off: false }),
  /** Kafka's socket.request.max.bytes (int32 frame sizes). */
  BROOK_KAFKA_MAX_FRAME_BYTES: wholeNumber(1024, 2_147_483_647),
  /** Kafka's sasl.server.max.receive.size: the frame cap until a connection has authenticated (auth on). */
  BROOK_KAFKA_PREAUTH_MAX_BYTES: wholeNumber(1024, 2_147_483_647),
  /** With auth on, how long a new connection has to finish SASL before it is closed. */
  BROOK_KAFKA_AUTH_TIMEOUT_MS: period(),
  /** Kafka's max.connections.per.ip: open Kafka connections from one address. */
  BROOK_KAFKA_MAX_CONNS_PER_IP: wholeNumber(1, 1_000_000),
  /** Kafka's max.connections: open Kafka connections in all. */
  BROOK_KAFKA_MAX_CONNECTIONS: wholeNumber(1, 1_000_000),
  /** Kafka's auto.create.topics.enable: Metadata for an unknown topic creates it (off unless 1). */
  BROOK_KAFKA_AUTO_CREATE_TOPICS: onOff(),
  /** Kafka's num.partitions: partitions of an auto-created topic. */
  BROOK_KAFKA_NUM_PARTITIONS: wholeNumber(1, 1000),
  /** The benchmark's reference routes through Next (app/api/bench/*); 404 unless 1. */
  BROOK_BENCH_ROUTES: onOff(),
  /** on: every caller authenticates; off (default): allowed only on loopback; none: off on any address, said loudly. */
  BROOK_AUTH: z.enum(['on', 'off', 'none'], { error: 'must be on, off or none' }).optional(),
  /** Creates or updates user `admin` at start (never logged). */
  BROOK_ADMIN_PASSWORD: z.string().min(8, { error: 'must be at least 8 characters' }).optional(),
  /** A bearer token that may read /api/metrics only (for a scraper), besides any viewer token. */
  BROOK_METRICS_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  /** How long a console session lasts (whole hours). */
  BROOK_SESSION_HOURS: wholeNumber(1, 24 * 366),
  /** Roles whose message payloads are hidden (keys, values, header values), comma-separated, e.g. viewer. */
  BROOK_HIDE_PAYLOADS: z
    .string()
    .transform((s, ctx) => {
      const roles = s
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      const bad = roles.filter((r) => !(ROLE_NAMES as readonly string[]).includes(r));
      if (bad.length === 0) return roles as (typeof ROLE_NAMES)[number][];
      ctx.issues.push({ code: 'custom', message: `must be roles (${ROLE_NAMES.join(', ')}), comma-separated`, input: s });
      return z.NEVER;
    })
    .optional(),
  /** How long audit log entries are kept (whole days). */
  BROOK_AUDIT_RETENTION_DAYS: wholeNumber(1, 3650),
  /** PEM certificate chain and private key files: https and the Kafka listener over TLS (SASL_SSL). */
  BROOK_TLS_CERT: z.string().optional(),
  BROOK_TLS_KEY: z.string().optional(),
  /** How long records.produce remembers an idempotency key and its result. */
  BROOK_IDEMPOTENCY_WINDOW: duration(1_000, 30 * 86_400_000),
  /** Testing only: produce-after-commit kills the process after a keyed produce commits, before its answer. */
  BROOK_FAILPOINT: z.enum(['produce-after-commit'], { error: 'must be produce-after-commit (testing only)' }).optional(),
  PORT: wholeNumber(1, 65_535),
  HOSTNAME: z.string().optional(),
});

export type BrookEnv = z.output<typeof envSchema>;
export type EnvVariable = keyof BrookEnv;
export const ENV_VARIABLES = Object.keys(envSchema.shape) as EnvVariable[];

/** Values that must not appear in a log line (a URL may carry a password). */
const SECRET: ReadonlySet<EnvVariable> = new Set(['DATABASE_URL', 'BROOK_ADMIN_PASSWORD', 'BROOK_METRICS_TOKEN']);

export class EnvError extends Error {
  constructor(
    readonly variables: EnvVariable[],
    problems: string[],
  ) {
    super(`invalid environment: ${problems.join('; ')}`);
    this.name = 'EnvError';
  }
}

type RawEnv = Readonly<Record<string, string | undefined>>;

/** Brook's variables only; a blank value counts as unset (as `FOO= npm start` means). */
function ours(source: RawEnv): Partial<Record<EnvVariable, string>> {
  const out: Partial<Record<EnvVariable, string>> = {};
  for (const name of ENV_VARIABLES) {
    const value = source[name]?.trim();
    if (value) out[name] = value;
  }
  return out;
}

/** Parses an environment; throws EnvError naming every variable with a bad value. */
export function parseEnv(source: RawEnv): BrookEnv {
  const raw = ours(source);
  const result = envSchema.safeParse(raw);
  if (result.success) return result.data;
  const variables: EnvVariable[] = [];
  const problems = result.error.issues.map((issue) => {
    const name = issue.path[0] as EnvVariable;
    variables.push(name);
    const got = SECRET.has(name) ? '' : `; got ${JSON.stringify(raw[name])}`;
    return `${name} ${issue.message}${got}`;
  });
  throw new EnvError(variables, problems);
}

let cached: { key: string; env: BrookEnv } | null = null;

/** This process's configuration. Parsed once; again only if a variable changes (tests set them). */
export function brookEnv(): BrookEnv {
  const key = JSON.stringify(ours(process.env));
  if (cached?.key !== key) cached = { key, env: parseEnv(process.env) };
  return cached.env;
}

/** A Postgres restart or failover takes seconds: calls wait that long for it, within Kafka clients' 30 s request timeouts. */
export const DEFAULT_DB_HOLD_MS = 10_000;

/** DATABASE_URL set: a Postgres server. Unset: embedded PGlite in BROOK_DATA_DIR (the driver's default folder otherwise). */
export function databaseOptions(env: BrookEnv): DatabaseOptions {
  if (env.DATABASE_URL)
    return {
      url: env.DATABASE_URL,
      poolSize: env.BROOK_DB_POOL,
      holdMs: env.BROOK_DB_HOLD_MS ?? DEFAULT_DB_HOLD_MS,
      driver: env.BROOK_DB_DRIVER,
    };
  return { dataDir: env.BROOK_DATA_DIR };
}
