import type { Socket } from 'node:net';
import { errorMessage } from '@/server/broker/errors';
import { type ConnectionInfo, isKafkaProtocolError, type KafkaDispatcher } from './dispatcher';
import { FrameDecoder } from './frame-decoder';
import type { RequestBudget } from './request-budget';

export interface ConnectionOptions {
  dispatcher: KafkaDispatcher;
  maxFrameBytes: number;
  /** Requests dispatched but not yet answered; reading stops at this many. */
  maxInFlight: number;
  /** Closed after this long without a byte in either direction and nothing in flight. */
  idleMs: number;
  /** Bytes of unanswered requests, shared by every connection of the listener. */
  budget: RequestBudget;
  /** Rate-limited: one line per abnormally closed connection. */
  log: (line: string) => void;
  /**
   * Auth on: until the dispatcher reports the connection authenticated (ConnectionInfo.authenticated),
   * frames are capped at `preAuthMaxFrameBytes` (Kafka's sasl.server.max.receive.size) and the connection
   * is closed `authTimeoutMs` after it was accepted. Off: every connection is authenticated from the start.
   */
  authRequired: boolean;
  preAuthMaxFrameBytes: number;
  authTimeoutMs: number;
}

/** One request's place in the answer order; `done` once the dispatcher settled it. */
interface Slot {
  done: boolean;
  response: Buffer | null;
  /** The request's bytes, held in the listener's budget until it is settled. */
  bytes: number;
}

/**
 * One client connection: frames in, dispatched concurrently, answers out strictly in request order (a
 * slow answer, such as a long-polling Fetch, holds later ones back, as in Kafka). Backpressure: reading
 * stops while `maxInFlight` requests are unanswered or the socket's write buffer is full, so a client that
 * pipelines without reading cannot grow memory here beyond one frame and its answers in flight.
 */
export class KafkaConnection {
  readonly info: ConnectionInfo;
  readonly closed: Promise<void>;
  private readonly decoder: FrameDecoder;
  private readonly queue: Slot[] = [];
  private readonly abort = new AbortController();
  private writeBlocked = false;
  /** No new requests: answer those in flight, then end (listener stopping, or the client ended). */
  private draining = false;
  private gone = false;
  private flushScheduled = false;
  /** Bytes reserved in the budget for the frame being read (its declared size), or -1 before its prefix. */
  private reserved = -1;
  /** Set while the budget has no room for the next frame's declared size: reading stops until it has. */
  private cancelWait: (() => void) | null = null;
  private isAuthenticated: boolean;
  private authTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: Socket,
    id: number,
    private readonly options: ConnectionOptions,
  ) {
    this.info = {
      id,
      remoteAddress: socket.remoteAddress ?? 'unknown',
      remotePort: socket.remotePort ?? 0,
      tls: (socket as { encrypted?: boolean }).encrypted === true,
      endAfterAnswers: () => this.drain(),
      authenticated: () => this.markAuthenticated(),
    };
    this.isAuthenticated = !options.authRequired;
    this.decoder = new FrameDecoder(
      this.isAuthenticated ? options.maxFrameBytes : Math.min(options.maxFrameBytes, options.preAuthMaxFrameBytes),
    );
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.setNoDelay(true); // small answers (heartbeats, acks) must not wait for Nagle
    // Before authentication the deadline is also the idle timeout: a silent stranger is not kept for 10 minutes.
    socket.setTimeout(this.isAuthenticated ? options.idleMs : Math.min(options.idleMs, options.authTimeoutMs));
    if (!this.isAuthenticated) {
      this.authTimer = setTimeout(() => this.fail(`not authenticated within ${options.authTimeoutMs} ms`), options.authTimeoutMs);
      this.authTimer.unref();
    }
    socket.on('data', (chunk: Buffer) => {
      this.decoder.push(chunk);
      this.pump();
    });
    socket.on('drain', () => {
      this.writeBlocked = false;
      this.pump();
    });
    socket.on('end', () => this.drain()); // the client sent FIN: answer what it asked, then close
    socket.on('timeout', () => {
      if (this.queue.length === 0) this.destroy(); // idle (connections.max.idle.ms); a long poll is not idleness
    });
    socket.on('error', () => this.destroy()); // resets and broken pipes are the client's business: no log line
    socket.on('close', () => {
      this.gone = true;
      this.abort.abort();
      this.cancelWait?.();
      if (this.authTimer) clearTimeout(this.authTimer);
      // A half-received frame's reservation goes back (whole frames give theirs back when answered).
      if (this.reserved > 0) this.options.budget.give(this.reserved);
      this.reserved = -1;
    });
  }

  get authenticated(): boolean {
    return this.isAuthenticated;
  }

  /** The dispatcher says the SASL exchange succeeded: the full frame cap, the ordinary idle timeout. */
  private markAuthenticated(): void {
    if (this.isAuthenticated) return;
    this.isAuthenticated = true;
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    this.decoder.setMaxFrameBytes(this.options.maxFrameBytes);
    if (!this.gone) this.socket.setTimeout(this.options.idleMs);
  }

  /** Stop taking requests, abort those in flight (long polls answer now), write their answers, then end. */
  drain(): void {
    if (this.gone || this.draining) return;
    this.draining = true;
    this.socket.pause();
    this.abort.abort();
    if (this.queue.length === 0) this.socket.end();
  }

  /** Closes at once; answers not yet written are dropped. */
  destroy(): void {
    if (this.gone) return;
    this.gone = true;
    this.abort.abort();
    this.socket.destroy();
  }

  private fail(reason: string): void {
    if (this.gone) return;
    this.options.log(`[kafka] closing the connection from ${this.info.remoteAddress}:${this.info.remotePort}: ${reason}`);
    this.destroy();
  }

  /**
   * Takes frames while there is room in flight and the client reads its answers; otherwise stops reading.
   * A frame's declared size is reserved in the budget before its body is read, and stays reserved until
   * it is answered; without room, reading stops until another request is answered.
   */
  private pump(): void {
    while (!this.gone && !this.draining && !this.writeBlocked && this.queue.length < this.options.maxInFlight) {
      if (this.reserved < 0) {
        let size: number | null;
        try {
          size = this.decoder.nextSize();
        } catch (err) {
          this.fail(errorMessage(err));
          return;
        }
        if (size === null) break;
        if (!this.options.budget.take(size)) {
          this.cancelWait ??= this.options.budget.wait(() => {
            this.cancelWait = null;
            this.pump();
          });
          break;
        }
        this.reserved = size;
      }
      const frame = this.decoder.next();
      if (frame === null) break;
      const bytes = this.reserved;
      this.reserved = -1;
      this.dispatch(frame, bytes);
    }
    if (this.gone || this.draining) return;
    if (this.writeBlocked || this.cancelWait !== null || this.queue.length >= this.options.maxInFlight) this.socket.pause();
    else this.socket.resume();
  }

  private dispatch(frame: Buffer, bytes: number): void {
    const slot: Slot = { done: false, response: null, bytes };
    const release = () => {
      this.options.budget.give(slot.bytes);
      slot.bytes = 0;
    };
    this.queue.push(slot);
    let answer: Promise<Buffer | null>;
    try {
      answer = this.options.dispatcher.handle(frame, this.info, this.abort.signal);
    } catch (err) {
      answer = Promise.reject(err);
    }
    answer.then(
      (response) => {
        release();
        slot.done = true;
        slot.response = response;
        this.scheduleFlush();
      },
      (err: unknown) => {
        release();
        if (this.gone) return; // aborted because the connection went: nothing to say
        this.fail(isKafkaProtocolError(err) ? `malformed request: ${err.message}` : `request failed: ${errorMessage(err)}`);
      },
    );
  }

  /** One flush per microtask turn: answers settling together (a pipelined burst) go out in one write. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Writes every answer at the head of the queue that is ready, in request order, in one corked write. */
  private flush(): void {
    if (this.gone) return;
    const head = this.queue[0];
    if (!head?.done) return;
    this.socket.cork();
    while (this.queue[0]?.done) {
      const { response } = this.queue.shift() as Slot;
      if (response === null) continue; // a request Kafka does not answer (Produce acks=0)
      const size = Buffer.allocUnsafe(4);
      size.writeInt32BE(response.length, 0);
      this.socket.write(size);
      if (!this.socket.write(response)) this.writeBlocked = true;
    }
    this.socket.uncork();
    if (this.draining && this.queue.length === 0) this.socket.end();
    else this.pump();
  }
}
