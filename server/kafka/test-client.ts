import net from 'node:net';
import tls from 'node:tls';
import type { ScramMechanism } from '@/server/kernel/auth-types';
import { ALTER_CONFIGS_KEY, decodeAlterConfigsResponse, encodeAlterConfigsRequest } from './handlers/alter-configs-codec';
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
import { ScramClient } from './sasl/scram-client';

/** A SaslAuthenticate answer, decoded. */
export interface SaslAnswer {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
}

type Codec = (...args: never[]) => unknown;

/** The generated codecs of one API, found by key: `encode<Api>Request` and `decode<Api>Response`. */
function codecs(apiKey: number) {
  // AlterConfigs has a hand-written codec (handlers/alter-configs-codec.ts), not a generated one.
  if (apiKey === ALTER_CONFIGS_KEY) {
    return {
      encode: encodeAlterConfigsRequest as (w: Writer, v: number, body: unknown) => void,
      decode: decodeAlterConfigsResponse as (r: Reader, v: number) => unknown,
    };
  }
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
  /** Resolves when the broker (or the test) closed the connection. */
  readonly whenClosed: Promise<void>;

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
    let closed = () => {};
    this.whenClosed = new Promise((resolve) => (closed = resolve));
    socket.on('close', () => {
      closed();
      this.closedError = new Error('connection closed by the broker');
      for (const w of this.waiting.splice(0)) w.reject(this.closedError);
    });
    socket.on('error', () => {});
  }

  /**
   * `tls`: over TLS with these options (e.g. `{ ca }`), as a listener with BROOK_TLS_CERT wants.
   * `localAddress` (plain TCP): connect from another loopback address (127.x.y.z), e.g. to keep per-address login limits apart.
   */
  static connect(
    host: string,
    port: number,
    options: { tls?: tls.ConnectionOptions; localAddress?: string } = {},
  ): Promise<KafkaTestClient> {
    return new Promise((resolve, reject) => {
      const { localAddress } = options;
      const socket = options.tls
        ? tls.connect({ host, port, ...options.tls }, () => resolve(new KafkaTestClient(socket)))
        : net.connect({ port, host, localAddress }, () => resolve(new KafkaTestClient(socket)));
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

  /** Sends encoded frames in one write (the broker reads them together); one promise per answer, in order. */
  pipeline(frames: Buffer[]): Array<Promise<Buffer>> {
    const answers = frames.map(
      (_, i) =>
        new Promise<Buffer>((resolve, reject) => {
          if (this.closedError) reject(this.closedError);
          else this.waiting.push({ resolve, reject });
          if (i === frames.length - 1 && !this.closedError) this.socket.write(Buffer.concat(frames));
        }),
    );
    return answers;
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

  /** Sends a bare SASL token (after SaslHandshake v0) and resolves with the bare token answered. */
  sendToken(token: Buffer): Promise<Buffer> {
    const size = Buffer.alloc(4);
    size.writeInt32BE(token.length, 0);
    return this.sendRaw(Buffer.concat([size, token]));
  }

  /** SaslHandshake at `version`; resolves with its error code and the mechanisms the broker lists. */
  handshake(mechanism: string, version = 1): Promise<{ errorCode: number; mechanisms: string[] }> {
    return this.request(17, version, { mechanism });
  }

  /** One SaslAuthenticate message (v2 unless told). */
  saslAuthenticate(authBytes: Buffer, version = 2): Promise<SaslAnswer> {
    return this.request<SaslAnswer>(36, version, { authBytes });
  }

  /**
   * A whole SASL login as Kafka clients run it: handshake v1 then SaslAuthenticate, or (`handshakeVersion`
   * 0) bare tokens. Resolves with the last answer (errorCode 0 on success); the SCRAM server's signature is
   * checked. v0 failures close the connection (the promise rejects).
   */
  async login(mechanism: 'PLAIN' | ScramMechanism, username: string, password: string, handshakeVersion = 1): Promise<SaslAnswer> {
    const hs = await this.handshake(mechanism, handshakeVersion);
    if (hs.errorCode !== 0) return { errorCode: hs.errorCode, errorMessage: null, authBytes: Buffer.alloc(0) };
    const send = async (bytes: Buffer): Promise<SaslAnswer> =>
      handshakeVersion === 0 ? { errorCode: 0, errorMessage: null, authBytes: await this.sendToken(bytes) } : this.saslAuthenticate(bytes);
    if (mechanism === 'PLAIN') return send(Buffer.from(`\0${username}\0${password}`));
    const scram = new ScramClient(mechanism, username, password);
    const first = await send(scram.first());
    if (first.errorCode !== 0) return first;
    const final = await send(scram.final(first.authBytes));
    if (final.errorCode === 0 && !scram.verifyServer(final.authBytes))
      throw new Error('the broker did not prove it knows the SCRAM credential');
    return final;
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
