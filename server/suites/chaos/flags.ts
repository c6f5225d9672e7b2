/** `npm run chaos -- [flags]`: what a run does, bounded. */
export interface ChaosFlags {
  /** SIGKILL + restart cycles of Brook per database. */
  cycles: number;
  /** Immediate stops + starts of Postgres (the postgres run only). */
  postgresCycles: number;
  /** How long producers run while faults strike (ms). */
  durationMs: number;
  producers: number;
  /** Concurrent sends per producer. */
  lanes: number;
  consumers: number;
  partitions: number;
  seed: number;
  db: Array<'postgres' | 'pglite'>;
  /** How long the quiet period may take for the group to process everything (ms). */
  quietTimeoutMs: number;
  /** The port Brook listens on (0: a free one). */
  port: number;
  /** The Kafka-client workload (server/suites/chaos/kafka) instead of the client library's. */
  kafka: boolean;
  /** --kafka: records per second of the librdkafka idempotent producer, the non-idempotent one, the kafkajs one. */
  rate: number;
  plainRate: number;
  kafkajsRate: number;
  /** --kafka: the longest a producer may take to its first acknowledgement after Postgres is back (ms). */
  firstAckBoundMs: number;
  /** --kafka: the python3 with confluent_kafka (Debian's python3-confluent-kafka). */
  python: string;
}

export const USAGE = `npm run chaos -- [--cycles N] [--postgres-cycles N] [--duration 60s] [--producers N] [--lanes N]
                     [--consumers N] [--partitions N] [--seed N] [--db postgres|pglite|both] [--quiet-timeout 60s] [--port N]
npm run chaos -- --kafka [--cycles N] [--duration 90s] [--partitions N] [--seed N] [--rate N] [--plain-rate N]
                     [--kafkajs-rate N] [--first-ack-bound 2s] [--quiet-timeout 60s] [--port N] [--python PATH]`;

const DEFAULTS: Omit<ChaosFlags, 'seed' | 'postgresCycles'> = {
  cycles: 8,
  durationMs: 60_000,
  producers: 4,
  lanes: 2,
  consumers: 3,
  partitions: 6,
  db: ['postgres', 'pglite'],
  quietTimeoutMs: 60_000,
  port: 0,
  kafka: false,
  rate: 800,
  plainRate: 200,
  kafkajsRate: 200,
  firstAckBoundMs: 2_000,
  python: '/usr/bin/python3',
};

/** With --kafka, a cycle is each of the four Postgres faults once; fewer of them, over a longer run. */
const KAFKA_DEFAULTS = { cycles: 3, durationMs: 90_000 };
const HTTP_ONLY = ['--postgres-cycles', '--producers', '--lanes', '--consumers', '--db'];
const KAFKA_ONLY = ['--rate', '--plain-rate', '--kafkajs-rate', '--first-ack-bound', '--python'];

export class FlagError extends Error {}

/** Parses the flags; a bad one throws FlagError naming it. A missing seed is drawn at random (and printed). */
export function parseFlags(argv: readonly string[], randomSeed: () => number): ChaosFlags {
  const flags: ChaosFlags = { ...DEFAULTS, seed: -1, postgresCycles: -1 };
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    given.add(name);
    const value = () => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new FlagError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--cycles':
        flags.cycles = count(name, value(), 0, 1000);
        break;
      case '--postgres-cycles':
        flags.postgresCycles = count(name, value(), 0, 1000);
        break;
      case '--duration':
        flags.durationMs = duration(name, value());
        break;
      case '--producers':
        flags.producers = count(name, value(), 1, 64);
        break;
      case '--lanes':
        flags.lanes = count(name, value(), 1, 16);
        break;
      case '--consumers':
        flags.consumers = count(name, value(), 1, 32);
        break;
      case '--partitions':
        flags.partitions = count(name, value(), 1, 256);
        break;
      case '--seed':
        flags.seed = count(name, value(), 0, 2 ** 32 - 1);
        break;
      case '--db': {
        const v = value();
        if (v !== 'postgres' && v !== 'pglite' && v !== 'both') throw new FlagError(`--db must be postgres, pglite or both, not "${v}"`);
        flags.db = v === 'both' ? ['postgres', 'pglite'] : [v];
        break;
      }
      case '--quiet-timeout':
        flags.quietTimeoutMs = duration(name, value());
        break;
      case '--port':
        flags.port = count(name, value(), 0, 65535);
        break;
      case '--kafka':
        if (eq > 0) throw new FlagError('--kafka takes no value');
        flags.kafka = true;
        break;
      case '--rate':
        flags.rate = count(name, value(), 1, 20_000);
        break;
      case '--plain-rate':
        flags.plainRate = count(name, value(), 1, 20_000);
        break;
      case '--kafkajs-rate':
        flags.kafkajsRate = count(name, value(), 1, 20_000);
        break;
      case '--first-ack-bound':
        flags.firstAckBoundMs = duration(name, value(), 100);
        break;
      case '--python':
        flags.python = value();
        break;
      default:
        throw new FlagError(`unknown flag ${arg}`);
    }
  }
  for (const name of flags.kafka ? HTTP_ONLY : KAFKA_ONLY)
    if (given.has(name)) throw new FlagError(flags.kafka ? `${name} does not apply to --kafka` : `${name} needs --kafka`);
  if (flags.kafka) {
    if (!given.has('--cycles')) flags.cycles = KAFKA_DEFAULTS.cycles;
    if (!given.has('--duration')) flags.durationMs = KAFKA_DEFAULTS.durationMs;
    flags.db = ['postgres'];
  }
  if (flags.seed < 0) flags.seed = randomSeed();
  if (flags.postgresCycles < 0) flags.postgresCycles = Math.ceil(flags.cycles / 2);
  return flags;
}

function count(name: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
    throw new FlagError(`${name} must be a whole number from ${min} to ${max}, not "${v}"`);
  return Number(v);
}

/** "90" and "90s" are seconds, "1500ms" milliseconds, "2m" minutes; at least `minMs`. */
function duration(name: string, v: string, minMs = 1000): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v);
  if (!m) throw new FlagError(`${name} must be a duration such as 60s, 2m or 1500ms, not "${v}"`);
  const ms = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
  if (ms < minMs || ms > 24 * 3_600_000)
    throw new FlagError(`${name} must be from ${minMs >= 1000 ? `${minMs / 1000} s` : `${minMs} ms`} to 24 h, not "${v}"`);
  return Math.round(ms);
}
