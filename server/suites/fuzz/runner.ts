import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { type Broker, createBroker } from '@/server/broker';
import { stopShops } from '@/server/examples/shop/registry';
import { stopAllMembers } from '@/server/examples/tour/group';
import { digestDiff, openFuzzDatabase, StateDigest } from './database';
import { fail, ProcessWatch } from './oracle';
import { seedState } from './seed';
import type { FuzzCredentials, FuzzEnv, Target } from './target';

export interface FuzzOptions {
  seed: number;
  cases: number;
  /** Postgres server URL (a fresh database is made on it); unset: in-memory PGlite. */
  databaseUrl?: string;
  /** Only targets whose name contains one of these. */
  only?: string[];
  /** Builds the targets once the engine is up (the Kafka ones need a listener). */
  targets: (env: FuzzEnv) => Promise<{ targets: Target<unknown>[]; close(): Promise<void> }>;
  /** BROOK_AUTH=on: every HTTP case sends an admin's API token, and credential cases run. */
  auth?: boolean;
  log?: (line: string) => void;
}

export interface TargetResult {
  name: string;
  cases: number;
  failures: number;
  ms: number;
  /** The report of the first failure: seed, shrunk counterexample, what broke. */
  report?: string;
}

export interface FuzzResult {
  seed: number;
  database: string;
  results: TargetResult[];
  /** Unhandled rejections and uncaught exceptions over the whole run (each also fails its case). */
  processEvents: number;
}

/** Per-target seed: the run's seed and the target's name, so one target replays alone (--only). */
export function targetSeed(seed: number, name: string): number {
  let h = seed | 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** Cases per target by weight (each at least 3) summing to about `total`. */
export function shareCases(targets: readonly { weight: number }[], total: number): number[] {
  const weight = targets.reduce((s, t) => s + t.weight, 0);
  return targets.map((t) => Math.max(3, Math.ceil((total * t.weight) / weight)));
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const log = options.log ?? console.log;
  const database = await openFuzzDatabase(options.databaseUrl);
  // No broker.start() and no background services: nothing but the cases writes, so the digest is stable.
  const broker: Broker = createBroker(database.db, { auth: { mode: options.auth ? 'on' : 'off' } });
  const watch = new ProcessWatch();
  watch.start();
  const env: FuzzEnv = {
    broker,
    db: database.db,
    digest: new StateDigest(database.db),
    watch,
    pools: { topics: [], groups: [] },
    headers: {},
    credentials: null,
  };
  const results: TargetResult[] = [];
  let built: Awaited<ReturnType<FuzzOptions['targets']>> | null = null;
  try {
    if (options.auth) {
      env.credentials = await makeCredentials(broker);
      env.headers = { authorization: `Bearer ${env.credentials.admin}` };
    }
    built = await options.targets(env);
    const chosen = built.targets.filter((t) => !options.only?.length || options.only.some((o) => t.name.includes(o)));
    const counts = shareCases(chosen, options.cases);
    for (const [i, target] of chosen.entries()) {
      await seedState(env);
      const started = performance.now();
      const result = await runTarget(env, target, counts[i], targetSeed(options.seed, target.name));
      const ms = performance.now() - started;
      results.push({ name: target.name, cases: counts[i], ms, ...result });
      log(`[fuzz] ${target.name}: ${counts[i]} cases, ${result.failures} failures, ${(ms / 1000).toFixed(1)} s`);
      if (result.report)
        log(`\nFAILED ${target.name}\n${result.report}\nreplay: npm run fuzz -- --seed ${options.seed} --only ${target.name}\n`);
    }
  } finally {
    await stopShops();
    await stopAllMembers();
    await built?.close();
    await broker.close();
    watch.stop();
    await database.drop();
  }
  return { seed: options.seed, database: database.description, results, processEvents: watch.total };
}

/** API tokens for the run (names with a random part, so the fuzzer's own token calls do not guess them). */
async function makeCredentials(broker: Broker): Promise<FuzzCredentials> {
  const actor = { principal: broker.auth.anonymous(), address: null };
  const suffix = randomBytes(4).toString('hex');
  const token = async (name: string, role: 'admin' | 'viewer') =>
    (await broker.auth.tokens.create({ name: `${name}-${suffix}`, role }, actor)).token;
  const credentials = {
    admin: await token('fuzz-admin', 'admin'),
    viewer: await token('fuzz-viewer', 'viewer'),
    revoked: await token('fuzz-revoked', 'admin'),
  };
  await broker.auth.tokens.revoke(`fuzz-revoked-${suffix}`, actor);
  return credentials;
}

async function runTarget(
  env: FuzzEnv,
  target: Target<unknown>,
  numRuns: number,
  seed: number,
): Promise<{ failures: number; report?: string }> {
  let state = await env.digest.take();
  let failures = 0;
  const property = fc.asyncProperty(target.arbitrary(env), async (input) => {
    const mark = env.watch.mark();
    const outcome = await target.run(env, input);
    let after = await env.digest.take();
    const changed = after !== state ? digestDiff(state, after) : null;
    if (target.startsWorkers) {
      await stopShops();
      await stopAllMembers();
      after = await env.digest.take();
    }
    state = after;
    // Give a rejection from this case's promises a turn to surface before judging it.
    await new Promise((r) => setImmediate(r));
    env.watch.check(mark);
    if (outcome.rejected && changed) fail(`rejected (${outcome.summary}) but the database changed: ${changed}`);
  });
  const details = await fc.check(property, { seed, numRuns, endOnFailure: false });
  if (!details.failed) return { failures };
  failures = 1;
  const shrunk = details.counterexample?.[0];
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const report = [
    `  seed ${seed} (target), after ${details.numRuns} cases, shrunk ${details.numShrinks} times`,
    `  counterexample: ${shrunk === undefined ? '?' : target.show(shrunk)}`,
    `  failure: ${error.slice(0, 3000)}`,
  ].join('\n');
  return { failures, report };
}
