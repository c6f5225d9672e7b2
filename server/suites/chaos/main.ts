import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import { postgresBinDir } from '@/db/private-cluster';
import { buildServerForTests } from '@/server/serve/spawn-server';
import { FlagError, parseFlags, USAGE } from './flags';
import { kafkaMain } from './kafka/main';
import { failures, table } from './report';
import { type RunResult, runChaos } from './run';

/**
 * `npm run chaos`: producers with idempotency keys and a consumer group against a Brook process that is
 * SIGKILLed and restarted at random moments, on a private Postgres cluster that is also crashed and
 * restarted, then the same on embedded PGlite; the log is read back and checked (server/suites/chaos/checker.ts).
 * With --kafka, Kafka clients (librdkafka and kafkajs) against Brook's Kafka listener while Postgres is stopped,
 * crashed and restarted (server/suites/chaos/kafka).
 * Exit code 1 if an invariant broke, 2 for a bad flag.
 */
async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(argv, () => randomInt(2 ** 31));
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    console.error(`${err.message}\n${USAGE}`);
    return 2;
  }
  if (flags.kafka) {
    const replay = [
      '--kafka',
      `--seed ${flags.seed}`,
      `--cycles ${flags.cycles}`,
      `--duration ${flags.durationMs}ms`,
      `--partitions ${flags.partitions}`,
      `--rate ${flags.rate}`,
      `--plain-rate ${flags.plainRate}`,
      `--kafkajs-rate ${flags.kafkajsRate}`,
      `--first-ack-bound ${flags.firstAckBoundMs}ms`,
    ].join(' ');
    console.log(`[chaos] seed ${flags.seed} (replay: npm run chaos -- ${replay})`);
    const entry = buildServerForTests();
    process.once('exit', () => fs.rmSync(entry, { force: true })); // also after Ctrl-C
    try {
      return await kafkaMain(flags, entry);
    } finally {
      fs.rmSync(entry, { force: true });
    }
  }
  const replay = [
    `--seed ${flags.seed}`,
    `--cycles ${flags.cycles}`,
    `--postgres-cycles ${flags.postgresCycles}`,
    `--duration ${flags.durationMs}ms`,
    `--producers ${flags.producers}`,
    `--lanes ${flags.lanes}`,
    `--consumers ${flags.consumers}`,
    `--partitions ${flags.partitions}`,
    `--db ${flags.db.length === 2 ? 'both' : flags.db[0]}`,
  ].join(' ');
  console.log(`[chaos] seed ${flags.seed} (replay: npm run chaos -- ${replay})`);
  // Today's server source, bundled as `npm run build:server` does; the pages come from the last `npm run build`.
  const entry = buildServerForTests();
  process.once('exit', () => fs.rmSync(entry, { force: true })); // also after Ctrl-C
  const results: RunResult[] = [];
  try {
    for (const db of flags.db) results.push(await runChaos(db, flags, entry, postgresBinDir(), (line) => console.log(`[chaos] ${line}`)));
  } finally {
    fs.rmSync(entry, { force: true });
  }
  console.log(`\n${table(results)}\n`);
  let failed = false;
  for (const r of results) {
    const broken = failures(r);
    if (broken.length === 0) continue;
    failed = true;
    console.log(`[chaos] ${r.db} FAILED:\n  ${broken.join('\n  ')}`);
    if (r.verdict?.examples.length) console.log(`  examples:\n    ${r.verdict.examples.join('\n    ')}`);
    if (r.traceFile) console.log(`  the group's trace: ${r.traceFile}`);
    if (r.lastSendError) console.log(`  last send error: ${r.lastSendError}`);
    console.log(`  Brook's last output:\n${r.brookLog.split('\n').slice(-30).join('\n')}`);
  }
  console.log(`[chaos] ${failed ? 'FAILED' : 'passed'} (seed ${flags.seed})`);
  return failed ? 1 : 0;
}

// Ctrl-C: exit through process.exit, so the exit hooks stop Brook and the private Postgres cluster and delete their folders.
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    console.error(`[chaos] ${sig}: stopping`);
    process.exit(130);
  });

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('[chaos] crashed:', err);
    process.exit(1);
  },
);
