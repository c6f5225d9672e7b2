import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/**
 * The built Brook server as a child process that the chaos loop kills with SIGKILL and starts again on
 * the same port and database, so clients keep their URL across restarts.
 */
const root = path.resolve(import.meta.dirname, '../../..');
const START_TIMEOUT_MS = 120_000;
const LOG_LINES = 200;

export interface BrookProcess {
  readonly url: string;
  readonly running: boolean;
  /** The running process's id (its memory is read from /proc by npm run attack), or null. */
  readonly pid: number | null;
  /** Starts it and resolves once it listens, with how long that took (ms). */
  start(): Promise<number>;
  /** SIGKILL: no shutdown, no drain, requests in flight cut. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM, as an operator stops it (the end of a run). */
  stop(): Promise<void>;
  /** Exits the harness did not cause (a crash of Brook itself). */
  readonly unexpectedExits: number;
  /** The last lines of its output, across restarts. */
  log(): string;
}

export function brookProcess(entry: string, port: number, env: Record<string, string>): BrookProcess {
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let unexpectedExits = 0;
  let expectingExit = false;
  const lines: string[] = [];
  // Each line with the time it came (UTC), to line it up with the faults and the clients' errors.
  const keep = (chunk: Buffer) => {
    const at = new Date().toISOString().slice(11, 23);
    for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(`${at} ${line}`);
    if (lines.length > LOG_LINES) lines.splice(0, lines.length - LOG_LINES);
  };

  const childEnv: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', BROOK_KAFKA_LISTENER: 'off', ...env };
  childEnv.PORT = String(port);
  childEnv.HOSTNAME = '127.0.0.1';
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;

  // An interrupted run (Ctrl-C) must not leave a server behind.
  process.once('exit', () => child?.kill('SIGKILL'));

  const signal = async (sig: NodeJS.Signals) => {
    if (!child) return;
    expectingExit = true;
    child.kill(sig);
    await exited;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    get running() {
      return child !== null;
    },
    get pid() {
      return child?.pid ?? null;
    },
    get unexpectedExits() {
      return unexpectedExits;
    },
    async start() {
      if (child) throw new Error('Brook is already running');
      const started = Date.now();
      const proc = spawn(process.execPath, [entry], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      expectingExit = false;
      lines.push(`--- chaos: Brook started (pid ${proc.pid}) ---`);
      exited = new Promise((resolve) =>
        proc.once('exit', (code, sig) => {
          if (!expectingExit) unexpectedExits++;
          lines.push(`--- chaos: Brook exited (${sig ?? `code ${code}`})${expectingExit ? '' : ' by itself'} ---`);
          if (child === proc) child = null;
          resolve();
        }),
      );
      await new Promise<void>((resolve, reject) => {
        let seen = '';
        const timer = setTimeout(
          () => reject(new Error(`Brook did not listen within ${START_TIMEOUT_MS / 1000} s:\n${lines.join('\n')}`)),
          START_TIMEOUT_MS,
        );
        const onData = (d: Buffer) => {
          keep(d);
          seen = (seen + d.toString('utf8')).slice(-4096);
          if (seen.includes('[brook] listening on')) {
            clearTimeout(timer);
            resolve();
          }
        };
        proc.stdout?.on('data', onData);
        proc.stderr?.on('data', keep);
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`Brook exited before listening:\n${lines.slice(-40).join('\n')}`));
        });
      });
      return Date.now() - started;
    },
    kill: () => signal('SIGKILL'),
    async stop() {
      if (!child) return;
      const proc = child;
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await signal('SIGTERM');
      clearTimeout(timer);
    },
    log: () => lines.join('\n'),
  };
}
