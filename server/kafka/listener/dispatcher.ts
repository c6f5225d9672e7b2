/**
 * The seam between the transport (this folder) and the Kafka API handlers: the listener cuts the byte
 * stream into frames and hands each request to a dispatcher, which decodes it, calls the engine and
 * encodes the answer. The listener knows nothing of API keys or versions.
 */

/** What a handler may know about the connection a request came on. */
export interface ConnectionInfo {
  /** Unique per listener, for per-connection state a dispatcher keeps (never reused while open). */
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The connection speaks TLS (Kafka's SSL, or SASL_SSL with auth on). */
  readonly tls?: boolean;
  /** Take no more requests, write the answers of those taken, then close (SASL failures: answer, then hang up). */
  readonly endAfterAnswers: () => void;
  /** The connection has authenticated (SASL): the listener lifts its pre-authentication limits. */
  readonly authenticated?: () => void;
}

export interface KafkaDispatcher {
  /**
   * True when connections must authenticate (BROOK_AUTH=on): the listener then applies its
   * pre-authentication limits until the dispatcher calls `conn.authenticated()`.
   */
  readonly authRequired?: boolean;
  /**
   * One request: `frame` is the request without its size prefix (header and body). Resolves with the
   * response without its size prefix (the listener adds it), or null for a request Kafka does not answer
   * (Produce with acks=0). Responses are written in request order whatever order these settle in.
   * `signal` aborts when the connection closes or the listener stops: a long poll then answers at once
   * with what it has (its answer is written while the listener drains) or gives up.
   * Throwing closes this connection only (with one log line); throw KafkaProtocolError for a request
   * that cannot be parsed, anything else is logged as a handler failure.
   */
  handle(frame: Buffer, conn: ConnectionInfo, signal: AbortSignal): Promise<Buffer | null>;
}

// One error class for "this request cannot be parsed", shared with the codecs that throw it.
export { isKafkaProtocolError, KafkaProtocolError } from '../protocol/reader';
