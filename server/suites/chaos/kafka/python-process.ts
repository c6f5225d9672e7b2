import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

/** The librdkafka clients' script (confluent-kafka-python), run by the system's python3. */
export const RDKAFKA_SCRIPT = path.join(import.meta.dirname, 'rdkafka_client.py');
const STDERR_LINES = 60;

/** One JSON line of rdkafka_client.py: `e` says what it is, `t` when (ms since the epoch). */
export interface PyEvent {
  e: string;
  t: number;
  [field: string]: unknown;
}

/** Null if `python` can import confluent_kafka; else why not, with what to install. */
export function checkPython(python: string): string | null {
  const r = spawnSync(python, ['-c', 'import confluent_kafka; print(confluent_kafka.libversion()[0])'], { encoding: 'utf8' });
  if (r.status === 0) return null;
  const why = r.error ? r.error.message : r.stderr.trim().split('\n').slice(-1)[0];
  return `${python} cannot import confluent_kafka (${why}): install Debian's python3-confluent-kafka, or pass --python`;
}

/**
 * rdkafka_client.py as a child process: every JSON line it prints goes to `onEvent`, in order. stop()
 * closes its standard input (the script then flushes or closes its consumer and exits) and waits for the
 * exit, with SIGTERM and SIGKILL as fallbacks.
 */
export class PythonClient {
  readonly stderr: string[] = [];
  exitCode: number | null = null;
  exitSignal: string | null = null;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private stopping = false;

  constructor(
    readonly name: string,
    python: string,
    args: string[],
    onEvent: (event: PyEvent) => void,
    /** Each line of its standard error (librdkafka's log), as it comes. */
    onStderr: (line: string) => void = () => {},
  ) {
    const child = spawn(python, ['-u', RDKAFKA_SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    const { stdout, stderr } = child;
    // An interrupted run (Ctrl-C) must not leave a client behind.
    const onExit = () => child.kill('SIGKILL');
    process.once('exit', onExit);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        process.off('exit', onExit);
        resolve();
      }),
    );
    child.stdin?.on('error', () => {}); // a client that died: its stdin's EPIPE is not ours to report
    readline.createInterface({ input: stdout }).on('line', (line) => {
      let event: PyEvent;
      try {
        event = JSON.parse(line) as PyEvent;
      } catch {
        this.keepStderr(`(stdout) ${line}`);
        return;
      }
      onEvent(event);
    });
    readline.createInterface({ input: stderr }).on('line', (line) => {
      this.keepStderr(line);
      onStderr(line);
    });
  }

  /** Alive: it has not exited. */
  get alive(): boolean {
    return this.exitCode === null && this.exitSignal === null;
  }

  /** Whether it exited without being told to (a crash of the client). */
  get diedByItself(): boolean {
    return !this.alive && !this.stopping;
  }

  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (!this.alive) return;
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGTERM'), timeoutMs);
    const killer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs + 5_000);
    await this.exited;
    clearTimeout(timer);
    clearTimeout(killer);
  }

  /** SIGKILL, for a run that stops early. */
  async kill(): Promise<void> {
    this.stopping = true;
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  private keepStderr(line: string): void {
    this.stderr.push(line);
    if (this.stderr.length > STDERR_LINES) this.stderr.shift();
  }
}
