import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildServerForTests, freePort } from '@/server/serve/spawn-server';
import { brookProcess } from '@/server/suites/chaos/brook-process';
import { type AttackContext, type AttackResult, processRss } from './attack';
import { attacks } from './registry';

/**
 * `npm run attack [-- --short] [--only name,...]`: hostile clients against a built Brook (`npm run build`
 * first) started with BROOK_AUTH=on on PGlite in a temporary folder. Each attack (registry.ts) prints its
 * figures; the run exits 1 if any attack saw a failure, 2 if it could not run.
 */
export function parseArgs(argv: readonly string[]): { short: boolean; only: string[] } {
  const out = { short: false, only: [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag === '--short') out.short = true;
    else if (flag === '--only') out.only = (inline ?? argv[++i] ?? '').split(',').filter(Boolean);
    else throw new Error(`unknown argument ${argv[i]} (use --short, --only name,...)`);
  }
  const unknown = out.only.filter((n) => !attacks.some((a) => a.name === n));
  if (unknown.length) throw new Error(`no attack named ${unknown.join(', ')} (there are: ${attacks.map((a) => a.name).join(', ')})`);
  return out;
}

const ADMIN_PASSWORD = 'attack-suite-admin-password';
const BODY_IDLE_MS = 2_000;
const PRODUCER_TOKEN = 'attack-producer';

async function setUp(url: string): Promise<{ producerToken: string; topic: string }> {
  const post = (procedure: string, input: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/trpc/${procedure}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url, ...headers },
      body: JSON.stringify(input),
    });
  const login = await post('auth.login', { username: 'admin', password: ADMIN_PASSWORD });
  if (login.status !== 200) throw new Error(`admin login answered ${login.status}: ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const topic = 'attack-target';
  const created = await post('topics.create', { name: topic, partitions: 1 }, { cookie });
  if (created.status !== 200) throw new Error(`topics.create answered ${created.status}: ${await created.text()}`);
  const token = await post('auth.createToken', { name: PRODUCER_TOKEN, role: 'producer' }, { cookie });
  const body = (await token.json()) as { result?: { data?: { token?: string } } };
  const producerToken = body.result?.data?.token;
  if (!producerToken) throw new Error(`auth.createToken answered ${token.status}`);
  return { producerToken, topic };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const entry = buildServerForTests();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-attack-'));
  process.once('exit', () => {
    fs.rmSync(entry, { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const port = await freePort();
  const kafkaPort = await freePort();
  const server = brookProcess(entry, port, {
    BROOK_KAFKA_LISTENER: `127.0.0.1:${kafkaPort}`,
    BROOK_AUTH: 'on',
    BROOK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    BROOK_DATA_DIR: path.join(dir, 'pglite'),
    BROOK_BODY_IDLE_MS: String(BODY_IDLE_MS),
  });
  const startMs = await server.start();
  console.log(`[attack] Brook (BROOK_AUTH=on, PGlite) listening on ${server.url} after ${startMs} ms${args.short ? ', --short' : ''}`);
  let failed = 0;
  try {
    const { producerToken, topic } = await setUp(server.url);
    const ctx: AttackContext = {
      url: server.url,
      port,
      short: args.short,
      adminPassword: ADMIN_PASSWORD,
      producerToken,
      producerTokenName: PRODUCER_TOKEN,
      kafkaPort,
      topic,
      serverRss: () => processRss(server.pid),
      bodyIdleMs: BODY_IDLE_MS,
    };
    for (const attack of attacks.filter((a) => args.only.length === 0 || args.only.includes(a.name))) {
      console.log(`\n[attack] ${attack.name}: ${attack.description}`);
      let result: AttackResult;
      try {
        result = await attack.run(ctx);
      } catch (err) {
        result = { figures: [], failures: [`threw: ${err instanceof Error ? err.stack : String(err)}`] };
      }
      const width = Math.max(0, ...result.figures.map(([k]) => k.length));
      for (const [k, v] of result.figures) console.log(`  ${k.padEnd(width)}  ${v}`);
      for (const f of result.failures) console.log(`  FAILED: ${f}`);
      if (result.failures.length > 0) failed++;
      if (!server.running) {
        console.log('  FAILED: Brook exited during the attack');
        failed++;
        break;
      }
    }
  } finally {
    await server.stop();
  }
  if (server.unexpectedExits > 0) console.log(`\n[attack] Brook log:\n${server.log()}`);
  console.log(failed ? `\n[attack] FAILED: ${failed} attack(s)` : '\n[attack] ok');
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\0')) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error('[attack] could not run:', err);
      process.exit(2);
    },
  );
}
