import fs from 'node:fs';

/**
 * One hostile scenario of `npm run attack`: a file in attacks/ exporting an Attack, listed in registry.ts.
 * It runs against a live, built Brook with BROOK_AUTH=on, and returns figures to report and the failures
 * it saw (an empty list passes).
 */
export interface Attack {
  name: string;
  /** One line: what the attacker does and what must still hold. */
  description: string;
  run(ctx: AttackContext): Promise<AttackResult>;
}

export interface AttackResult {
  /** Name → value with its unit, in the order to print. */
  figures: Array<[string, string]>;
  failures: string[];
}

export interface AttackContext {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** `--short`: fewer sockets and shorter holds, for CI. */
  short: boolean;
  /** User `admin`'s password (BROOK_ADMIN_PASSWORD of the server). */
  adminPassword: string;
  /** A producer token (and its name, its SASL user name), and a topic it may produce to. */
  producerToken: string;
  producerTokenName: string;
  /** The Kafka listener's port (SASL_PLAINTEXT), or null if the server has none. */
  kafkaPort: number | null;
  topic: string;
  /** The server process's resident memory now, in bytes (/proc), or null off Linux. */
  serverRss(): number | null;
  /** The server's body idle timeout (BROOK_BODY_IDLE_MS it was started with). */
  bodyIdleMs: number;
}

/** VmRSS of a process in bytes, from /proc (Linux); null elsewhere or once it is gone. */
export function processRss(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export const mib = (bytes: number | null) => (bytes === null ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);

/** A timed call; the answer's status and how long it took. */
export async function timed(f: () => Promise<Response>): Promise<{ status: number; ms: number; body: string }> {
  const started = performance.now();
  try {
    const res = await f();
    const body = await res.text();
    return { status: res.status, ms: Math.round(performance.now() - started), body };
  } catch (err) {
    return { status: 0, ms: Math.round(performance.now() - started), body: String(err) };
  }
}

/** POST a JSON mutation, as the client library does. */
export const mutate = (ctx: AttackContext, procedure: string, input: unknown, headers: Record<string, string> = {}) =>
  fetch(`${ctx.url}/api/trpc/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });

export const login = (ctx: AttackContext) => mutate(ctx, 'auth.login', { username: 'admin', password: ctx.adminPassword });

export const produce = (ctx: AttackContext) =>
  mutate(
    ctx,
    'records.produce',
    { topic: ctx.topic, records: [{ value: 'legitimate' }] },
    { authorization: `Bearer ${ctx.producerToken}` },
  );
