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
}

export const USAGE = `npm run chaos -- [--cycles N] [--postgres-cycles N] [--duration 60s] [--producers N] [--lanes N]
                     [--consumers N] [--partitions N] [--seed N] [--db postgres|pglite|both] [--quiet-timeout 60s] [--port N]`;

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
};

export class FlagError extends Error {}

/** Parses the flags; a bad one throws FlagError naming it. A missing seed is drawn at random (and printed). */
export function parseFlags(argv: readonly string[], randomSeed: () => number): ChaosFlags {
  const flags: ChaosFlags = { ...DEFAULTS, seed: -1, postgresCycles: -1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
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
      default:
        throw new FlagError(`unknown flag ${arg}`);
    }
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

/** "90" and "90s" are seconds, "1500ms" milliseconds, "2m" minutes. */
function duration(name: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v);
  if (!m) throw new FlagError(`${name} must be a duration such as 60s, 2m or 1500ms, not "${v}"`);
  const ms = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
  if (ms < 1000 || ms > 24 * 3_600_000) throw new FlagError(`${name} must be from 1 s to 24 h, not "${v}"`);
  return Math.round(ms);
}
