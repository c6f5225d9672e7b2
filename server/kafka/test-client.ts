import net from 'node:net';
import tls from 'node:tls';
import * as protocol from './protocol';
import {
  API_BY_KEY,
  decodeResponseHeader,
  encodeRequestHeader,
  Reader,
  requestHeaderVersion,
  responseHeaderVersion,
  Writer,
} from './protocol';

type Codec = (...args: never[]) => unknown;

/** The generated codecs of one API, found by key: `encode<Api>Request` and `decode<Api>Response`. */
function codecs(apiKey: number) {
  const api = API_BY_KEY.get(apiKey);
  if (!api) throw new Error(`no API with key ${apiKey}`);
  const ns = (protocol as unknown as Record<string, Record<string, Codec>>)[
    api.module.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())
  ];
  const encode = ns[`encode${api.name}Request`] as unknown as (w: Writer, v: number, body: unknown) => void;
  const decode = ns[`decode${api.name}Response`] as unknown as (r: Reader, v: number) => unknown;
  if (!encode || !decode) throw new Error(`no codecs for ${api.name}`);
  return { encode, decode };
}

/**
 * A raw Kafka client for handler tests at exact API versions (kafkajs and kcat pick their own): one TCP
 * connection, requests encoded with the generated codecs, responses read in order.
 */
export class KafkaTestClient {
  private buffered = Buffer.alloc(0);
  private readonly waiting: Array<{ resolve: (frame: Buffer) => void; reject: (err: Error) => void }> = [];
  private correlationId = 0;
  private closedError: Error | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0);
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        this.waiting.shift()?.resolve(Buffer.from(frame));
      }
    });
    socket.on('close', () => {
      this.closedError = new Error('connection closed by the broker');
      for (const w of this.waiting.splice(0)) w.reject(this.closedError);
    });
    socket.on('error', () => {});
  }

  /** `tls`: over TLS with these options (e.g. `{ ca }`), as a listener with BROOK_TLS_CERT wants. */
  static connect(host: string, port: number, options: { tls?: tls.ConnectionOptions } = {}): Promise<KafkaTestClient> {
    return new Promise((resolve, reject) => {
      const socket = options.tls
        ? tls.connect({ host, port, ...options.tls }, () => resolve(new KafkaTestClient(socket)))
        : net.connect(port, host, () => resolve(new KafkaTestClient(socket)));
      socket.once('error', reject);
    });
  }

  /** The encoded request frame (size prefix included), for tests that send it more than once. */
  frame(apiKey: number, version: number, body: unknown, clientId: string | null = 'brook-test'): Buffer {
    const w = new Writer(256);
    const size = w.reserveInt32();
    encodeRequestHeader(w, requestHeaderVersion(apiKey, version), {
      requestApiKey: apiKey,
      requestApiVersion: version,
      correlationId: ++this.correlationId,
      clientId,
    });
    codecs(apiKey).encode(w, version, body);
    w.setInt32(size, w.length - 4);
    return Buffer.from(w.finish());
  }

  /** Sends raw bytes and resolves with the next response frame (without its size prefix). */
  sendRaw(bytes: Buffer): Promise<Buffer> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(bytes);
    });
  }

  /** Sends without waiting for an answer (Produce with acks=0). */
  sendOnly(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** One request at `version`; resolves with the decoded response body (and its correlation id). */
  async request<Res = Record<string, unknown>>(apiKey: number, version: number, body: unknown): Promise<Res> {
    const frame = this.frame(apiKey, version, body);
    const answer = await this.sendRaw(frame);
    return decodeFrame(apiKey, version, answer) as Res;
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Decodes a response frame (header + body) of `apiKey` at `version`. */
export function decodeFrame(apiKey: number, version: number, frame: Buffer): unknown {
  const r = new Reader(frame);
  decodeResponseHeader(r, responseHeaderVersion(apiKey, version));
  return codecs(apiKey).decode(r, version);
}
