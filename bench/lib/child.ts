import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * A TypeScript module run as a separate Node process (under tsx), as another service or Brook process
 * would be: its own event loop and CPU time. `data` reaches it as `childData()`; it answers with
 * `process.send`. (Worker threads under tsx's loader hooks hung now and then on Node 20.)
 */
export interface Child {
  /** The next message the child sent; rejects if it exits first or `timeoutMs` pass. */
  next<T = unknown>(timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export function startChild(module: URL, data: unknown): Child {
  const child = fork(fileURLToPath(module), [JSON.stringify(data)], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced', // typed arrays travel as they are
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: unknown[] = [];
  const waiters: Array<{ resolve: (m: unknown) => void; reject: (e: Error) => void }> = [];
  let ended: Error | null = null;
  child.on('message', (m) => (waiters.length ? waiters.shift()!.resolve(m) : messages.push(m)));
  child.once('exit', (code, signal) => {
    ended = new Error(`bench child ${module.pathname} exited (${code ?? signal})`);
    for (const w of waiters.splice(0)) w.reject(ended);
  });
  return {
    next<T>(timeoutMs = 120_000): Promise<T> {
      if (messages.length) return Promise.resolve(messages.shift() as T);
      if (ended) return Promise.reject(ended);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`bench child ${module.pathname}: no message in ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** In the child: the data its parent passed to `startChild`. */
export const childData = <T>(): T => JSON.parse(process.argv[2]) as T;
