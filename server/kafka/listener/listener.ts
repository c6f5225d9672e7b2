import net from 'node:net';
import { KafkaConnection } from './connection';
import type { KafkaDispatcher } from './dispatcher';
import { LogLimiter } from './log-limiter';
import { RequestBudget } from './request-budget';

/**
 * Kafka's socket.request.max.bytes default. Kafka clients size their requests against it (and send far
 * less: max.request.size is 1 MB), and a frame carries binary record batches, so it is a little above
 * the HTTP API's BROOK_MAX_BODY_BYTES, which counts JSON text, and is the number Kafka users know.
 */
export const DEFAULT_MAX_FRAME_BYTES = 104_857_600;
/** Kafka's connections.max.idle.ms default (10 min). */
export const DEFAULT_IDLE_MS = 600_000;
/** Unanswered requests per connection before reading stops (Kafka clients pipeline at most 5 by default). */
export const DEFAULT_MAX_IN_FLIGHT = 100;

export interface KafkaListenerOptions {
  dispatcher: KafkaDispatcher;
  maxFrameBytes?: number;
  maxInFlight?: number;
  /** Bytes of unanswered requests across all connections (default: twice the frame cap). */
  maxQueuedBytes?: number;
  idleMs?: number;
  /** Where the listener's lines go (rate-limited for closed connections); console.error by default. */
  log?: (line: string) => void;
}

/**
 * The Kafka protocol's TCP listener: accepts connections and runs one KafkaConnection per socket. It knows
 * frames and order, not APIs: every request goes to the dispatcher. A bad frame or a failing request closes
 * that connection only; nothing a client sends can throw out of here.
 */
export class KafkaListener {
  private readonly server: net.Server;
  private readonly connections = new Set<KafkaConnection>();
  private nextId = 1;
  private readonly limited: LogLimiter;
  private readonly budget: RequestBudget;

  constructor(private readonly options: KafkaListenerOptions) {
    const log = options.log ?? ((line: string) => console.error(line));
    this.limited = new LogLimiter(log, { burst: 10, windowMs: 60_000 });
    this.budget = new RequestBudget(options.maxQueuedBytes ?? 2 * (options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES));
    // allowHalfOpen: a client that sends FIN still gets the answers to what it asked before.
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    // Bind errors go to listen()'s caller; this is for errors of a listening server only.
    this.server.on('error', (err) => {
      if (this.server.listening) log(`[kafka] listener error: ${err.message}`);
    });
  }

  /** Binds; rejects with the socket error (EADDRINUSE, EACCES, EADDRNOTAVAIL) if it cannot. */
  listen(host: string, port: number): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as net.AddressInfo);
      });
    });
  }

  /** Bytes of requests read and not yet answered, all connections together. */
  get queuedBytes(): number {
    return this.budget.held;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Stops accepting, aborts every request's signal (long polls answer at once), writes the answers in
   * flight and ends each connection; whatever is still open after `graceMs` is destroyed. Resolves with
   * the number of connections that had to be destroyed.
   */
  async stop(graceMs: number): Promise<number> {
    this.server.close();
    const open = [...this.connections];
    for (const c of open) c.drain();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(open.map((c) => c.closed)), timedOut]);
    clearTimeout(timer);
    const left = [...this.connections];
    for (const c of left) c.destroy();
    await Promise.all(left.map((c) => c.closed));
    return left.length;
  }

  private accept(socket: net.Socket): void {
    const connection = new KafkaConnection(socket, this.nextId++, {
      dispatcher: this.options.dispatcher,
      maxFrameBytes: this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      maxInFlight: this.options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      idleMs: this.options.idleMs ?? DEFAULT_IDLE_MS,
      budget: this.budget,
      log: (line) => this.limited.log(line),
    });
    this.connections.add(connection);
    void connection.closed.then(() => this.connections.delete(connection));
  }
}
