import net from 'node:net';
import tls from 'node:tls';
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
/** Kafka's sasl.server.max.receive.size: the largest frame before authentication (SASL messages are small). */
export const DEFAULT_PRE_AUTH_MAX_FRAME_BYTES = 524_288;
/** How long a new connection has to authenticate when auth is on (also its idle timeout until then). */
export const DEFAULT_AUTH_TIMEOUT_MS = 10_000;
/**
 * Kafka's max.connections.per.ip is unlimited; a client opens one connection per broker and a few more
 * (librdkafka: a bootstrap and a coordinator connection), so 200 leaves room for dozens of clients on one
 * host (or behind one NAT) while a single address cannot take the whole listener.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 200;
/** Kafka's max.connections (unlimited there): open sockets of the listener. */
export const DEFAULT_MAX_CONNECTIONS = 5_000;
/** Beyond the budget, room kept for ordinary (<= 1 MiB) requests while large half-sent frames hold it. */
export const DEFAULT_SMALL_REQUEST_HEADROOM_BYTES = 16 * 1_048_576;

export interface KafkaListenerOptions {
  dispatcher: KafkaDispatcher;
  maxFrameBytes?: number;
  maxInFlight?: number;
  /** Bytes of unanswered requests across all connections (default: twice the frame cap). */
  maxQueuedBytes?: number;
  /** Extra room for requests of at most 1 MiB once the budget is full (default 16 MiB). */
  smallRequestHeadroomBytes?: number;
  idleMs?: number;
  /** With auth on: the frame cap until a connection has authenticated (default 512 KiB). */
  preAuthMaxFrameBytes?: number;
  /** With auth on: how long a connection may take to authenticate (default 10 s). */
  authTimeoutMs?: number;
  /** Open connections from one address; more are closed at once (default 200). */
  maxConnectionsPerIp?: number;
  /** Open connections in all (default 5 000). */
  maxConnections?: number;
  /** Certificate and key (PEM): the listener speaks TLS (Kafka's SSL, or SASL_SSL with auth on). */
  tls?: KafkaTlsOptions;
  /** Where the listener's lines go (rate-limited for closed connections); console.error by default. */
  log?: (line: string) => void;
}

export interface KafkaTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
  /** How long a client has to finish its handshake (default 10 s; Node's own is 2 min). */
  handshakeMs?: number;
}

export const DEFAULT_TLS_HANDSHAKE_MS = 10_000;

/**
 * The Kafka protocol's TCP listener: accepts connections and runs one KafkaConnection per socket. It knows
 * frames and order, not APIs: every request goes to the dispatcher. A bad frame or a failing request closes
 * that connection only; nothing a client sends can throw out of here.
 */
export class KafkaListener {
  private readonly server: net.Server | tls.Server;
  private readonly connections = new Set<KafkaConnection>();
  private nextId = 1;
  private readonly limited: LogLimiter;
  private readonly budget: RequestBudget;
  /** Open sockets per remote address, counted from the TCP accept (before a TLS handshake). */
  private readonly perAddress = new Map<string, number>();
  private open = 0;
  private refusedCount = 0;

  constructor(private readonly options: KafkaListenerOptions) {
    const log = options.log ?? ((line: string) => console.error(line));
    this.limited = new LogLimiter(log, { burst: 10, windowMs: 60_000 });
    this.budget = new RequestBudget(
      options.maxQueuedBytes ?? 2 * (options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES),
      options.smallRequestHeadroomBytes ?? DEFAULT_SMALL_REQUEST_HEADROOM_BYTES,
    );
    // allowHalfOpen: a client that sends FIN still gets the answers to what it asked before.
    if (options.tls) {
      // Same frames over TLS: KafkaConnection takes the decrypted socket once its handshake is done.
      const handshakeMs = options.tls.handshakeMs ?? DEFAULT_TLS_HANDSHAKE_MS;
      const server = tls.createServer(
        { allowHalfOpen: true, handshakeTimeout: handshakeMs, cert: options.tls.cert, key: options.tls.key },
        (socket) => this.accept(socket),
      );
      // A client without TLS (its first bytes are a Kafka frame), a client that distrusts the certificate, or
      // one that never finishes the handshake: that connection only is closed, with one rate-limited line.
      server.on('tlsClientError', (err, socket) => {
        this.limited.log(`[kafka] TLS handshake failed from ${socket.remoteAddress ?? 'unknown'}: ${tlsReason(err, handshakeMs)}`);
        socket.destroy();
      });
      this.server = server;
    } else {
      this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    }
    // Counted on the raw TCP socket, so that a TLS handshake is not even started past the caps.
    this.server.prependListener('connection', (socket: net.Socket) => this.admit(socket));
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

  /** True if the listener speaks TLS. */
  get tls(): boolean {
    return this.server instanceof tls.Server;
  }

  /** New certificate and key for the connections accepted from now on (SIGHUP); current ones keep theirs. */
  setCertificate(material: KafkaTlsOptions): void {
    if (!(this.server instanceof tls.Server)) throw new Error('the Kafka listener does not speak TLS');
    this.server.setSecureContext({ cert: material.cert, key: material.key });
  }

  /** Bytes of requests read and not yet answered, all connections together. */
  get queuedBytes(): number {
    return this.budget.held;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Connections closed at accept because of max.connections or max.connections.per.ip. */
  get refusedConnections(): number {
    return this.refusedCount;
  }

  /** Kafka's max.connections and max.connections.per.ip: over either, the socket is closed at once. */
  private admit(socket: net.Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    const fromAddress = this.perAddress.get(address) ?? 0;
    const perIp = this.options.maxConnectionsPerIp ?? DEFAULT_MAX_CONNECTIONS_PER_IP;
    const max = this.options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    if (this.open >= max || fromAddress >= perIp) {
      this.refusedCount++;
      const which =
        this.open >= max ? `${max} connections open (max.connections)` : `${perIp} connections open from it (max.connections.per.ip)`;
      this.limited.log(`[kafka] refusing a connection from ${address}: ${which}`);
      socket.destroy();
      return;
    }
    this.open++;
    this.perAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      this.open--;
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.perAddress.delete(address);
      else this.perAddress.set(address, left);
    });
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

  private accept(socket: net.Socket | tls.TLSSocket): void {
    if (socket.destroyed) return; // refused by admit()
    const connection = new KafkaConnection(socket, this.nextId++, {
      dispatcher: this.options.dispatcher,
      maxFrameBytes: this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      maxInFlight: this.options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      idleMs: this.options.idleMs ?? DEFAULT_IDLE_MS,
      budget: this.budget,
      log: (line) => this.limited.log(line),
      authRequired: this.options.dispatcher.authRequired === true,
      preAuthMaxFrameBytes: this.options.preAuthMaxFrameBytes ?? DEFAULT_PRE_AUTH_MAX_FRAME_BYTES,
      authTimeoutMs: this.options.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS,
    });
    this.connections.add(connection);
    void connection.closed.then(() => this.connections.delete(connection));
  }
}

/** OpenSSL's reason, in words an operator can act on; a plaintext Kafka client is the common case. */
function tlsReason(err: Error, handshakeMs: number): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_HTTP_REQUEST' || code === 'ERR_SSL_UNKNOWN_PROTOCOL')
    return 'not a TLS client (set security.protocol=SSL or SASL_SSL)';
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return `no handshake within ${handshakeMs} ms`;
  // The client's alert: it refused our certificate (unknown ca, bad certificate) or our protocol versions.
  const alert = /^ERR_SSL_(?:TLSV1|SSLV3)_ALERT_(\w+)$/.exec(code);
  if (alert) return `the client refused the handshake (${alert[1].toLowerCase().replace(/_/g, ' ')})`;
  if (code === 'ECONNRESET') return 'the client closed the connection (does it trust the certificate?)';
  return err.message.slice(0, 200);
}
