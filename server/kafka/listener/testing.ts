import net from 'node:net';
import tls from 'node:tls';
import { type KafkaDispatcher, KafkaProtocolError } from './dispatcher';

/**
 * Test support for the listener: a dispatcher driven by the request bytes, and a raw TCP client.
 * A test request is [op: 1 byte][id: uint32][arg: uint32][padding...]; the answer is the request itself.
 *   E echo · D echo after `arg` ms · N no answer (like Produce acks=0) · P throw KafkaProtocolError
 *   F throw another error · L long poll: answer only once the signal aborts
 *   A echo and mark the connection authenticated (as a successful SaslAuthenticate does)
 */
export function testRequest(op: 'E' | 'D' | 'N' | 'P' | 'F' | 'L' | 'A', id: number, arg = 0, padding = 0): Buffer {
  const b = Buffer.alloc(9 + padding);
  b.write(op, 0, 'latin1');
  b.writeUInt32BE(id, 1);
  b.writeUInt32BE(arg, 5);
  return b;
}

export const requestId = (answer: Buffer) => answer.readUInt32BE(1);

export interface TestDispatcher extends KafkaDispatcher {
  /** Requests handled so far, and how many of them were aborted before answering. */
  handled: number;
  aborted: number;
}

/** `authRequired`: the listener applies its pre-authentication limits until an `A` request. */
export function testDispatcher({ authRequired = false } = {}): TestDispatcher {
  const d: TestDispatcher = {
    authRequired,
    handled: 0,
    aborted: 0,
    async handle(frame, conn, signal) {
      d.handled++;
      if (frame.length < 9) throw new KafkaProtocolError(`request of ${frame.length} bytes is too short`);
      const op = String.fromCharCode(frame[0]);
      const arg = frame.readUInt32BE(5);
      switch (op) {
        case 'E':
          return frame;
        case 'A':
          conn.authenticated?.();
          return frame;
        case 'D':
          await new Promise((r) => setTimeout(r, arg));
          return frame;
        case 'N':
          return null;
        case 'F':
          throw new Error('handler blew up');
        case 'L':
          await new Promise<void>((resolve) => {
            if (signal.aborted) return resolve();
            signal.addEventListener('abort', () => resolve(), { once: true });
          });
          d.aborted++;
          return frame;
        default:
          throw new KafkaProtocolError(`unknown op ${JSON.stringify(op)}`);
      }
    },
  };
  return d;
}

/** A raw Kafka-framed TCP client: sends frames (or any bytes), reads size-prefixed answers. */
export class TestClient {
  private buffered = Buffer.alloc(0);
  private readonly answers: Buffer[] = [];
  private waiter: (() => void) | null = null;
  readonly closed: Promise<void>;
  isClosed = false;

  private constructor(readonly socket: net.Socket | tls.TLSSocket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0);
        this.answers.push(this.buffered.subarray(4, 4 + size));
        this.buffered = this.buffered.subarray(4 + size);
      }
      this.wake();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.wake();
        resolve();
      }),
    );
  }

  /** Takes over a socket the test connected itself (another local address, say). */
  static wrap(socket: net.Socket): TestClient {
    return new TestClient(socket);
  }

  static connect(port: number): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new TestClient(socket)));
      socket.once('error', reject);
    });
  }

  /** The same over TLS, trusting `ca`; rejects if the handshake fails. */
  static connectTls(port: number, options: tls.ConnectionOptions): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ port, host: '127.0.0.1', ...options }, () => resolve(new TestClient(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  send(frame: Buffer): void {
    const size = Buffer.alloc(4);
    size.writeInt32BE(frame.length, 0);
    this.socket.write(Buffer.concat([size, frame]));
  }

  /** The next answer; rejects if the connection closes first or nothing comes within `timeoutMs` (a bound). */
  async next(timeoutMs = 10_000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.answers.length === 0) {
      if (this.isClosed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no answer in time');
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, left);
      });
    }
    return this.answers.shift() as Buffer;
  }

  /** Answers received and not yet taken. */
  get pending(): number {
    return this.answers.length;
  }

  close(): void {
    this.socket.destroy();
  }
}
