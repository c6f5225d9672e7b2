import { backoffDelay, sleep } from '../kernel/backoff';
import { KAFKA_ERRORS, type KafkaErrorName } from '../kernel/kafka-errors';
import type { EventOf, InputOf, MutationPath, OutputOf, QueryPath, SubscriptionPath } from './api-types';
import { SseParser } from './sse';

/** The Brook HTTP API as the client sees it: tRPC over plain JSON (GET for queries, POST for mutations). */
export type { InputOf, MutationPath, OutputOf, ProcedurePath, QueryPath, SubscriptionPath } from './api-types';

/** tRPC's answer to one call (no transformer): `result.data` on success, `error` otherwise. */
interface TrpcAnswer {
  result?: { data: unknown };
  error?: TrpcError;
}

/** tRPC's error shape, with Brook's Kafka error in `data.kafka`. */
interface TrpcError {
  message: string;
  data?: { kafka?: { name: string; code: number; retriable: boolean } };
}

/** An error answered by Brook, with Kafka's error name and code (e.g. UNKNOWN_MEMBER_ID, 25). */
export class BrookError extends Error {
  constructor(
    message: string,
    readonly kafkaName: string,
    readonly kafkaCode: number,
    readonly retriable: boolean,
    readonly httpStatus: number,
  ) {
    super(message);
    this.name = 'BrookError';
  }
}

export interface HttpOptions {
  url: string;
  /** A fetch implementation (defaults to the global one). */
  fetch?: typeof fetch;
  /** Extra headers on every request (e.g. authorization). */
  headers?: Record<string, string>;
  /** Retries of transient failures (false: none). */
  retry?: RetryOptions | false;
}

/**
 * Transient failures (the network, HTTP 502/503/504, Kafka errors marked retriable such as
 * KAFKA_STORAGE_ERROR while Brook's database restarts) are retried with capped exponential backoff and
 * full jitter, within a number of attempts and a time budget.
 */
export interface RetryOptions {
  /** Attempts in all, the first included (default 6). */
  attempts?: number;
  /** Backoff before retry n is random in [0, min(maxBackoffMs, initialBackoffMs * 2^n)) (defaults 100 and 2000 ms). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** No retry starts once this long has passed since the first attempt (default 30 s). */
  maxElapsedMs?: number;
}

/** Per call: its own retry budget and a bound on each attempt (no answer in time: retried as transient). */
export interface CallOptions {
  signal?: AbortSignal;
  retry?: RetryOptions;
  /** An attempt without an answer after this long is abandoned (REQUEST_TIMED_OUT) and retried. */
  timeoutMs?: number;
}

const RETRY_DEFAULTS: Required<RetryOptions> = { attempts: 6, initialBackoffMs: 100, maxBackoffMs: 2_000, maxElapsedMs: 30_000 };

/**
 * Mutations that may be sent again when the first attempt's outcome is unknown. A produce with an
 * idempotency key (the Producer sets one per request) is exactly once: a retry of a request Brook already
 * wrote is answered with the first offsets. Without a key it is at least once, as a Kafka producer without
 * idempotence: a retry after a lost answer can store the records twice, never lose them. A commit of the
 * same offsets is idempotent. Others (create, delete, join, reset) are retried only when they certainly
 * never reached Brook (connection refused).
 */
const REPEATABLE_MUTATIONS = new Set(['records.produce', 'groups.commit']);

export class BrookHttp {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: HttpOptions) {
    this.base = `${options.url.replace(/\/+$/, '')}/api/trpc/`;
    this.fetchFn = options.fetch ?? fetch;
  }

  /** A query, sent as GET (retried when transient). */
  async query<P extends QueryPath>(path: P, input: InputOf<P>, signal?: AbortSignal): Promise<OutputOf<P>> {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    // The router's type is the contract for what the server answers.
    return (await this.send(path, { method: 'GET', signal }, qs)) as OutputOf<P>;
  }

  /**
   * A mutation, sent as POST (retried only when safe: see REPEATABLE_MUTATIONS). The body is encoded
   * once: every attempt sends the same bytes (and so the same idempotency key).
   */
  async mutate<P extends MutationPath>(path: P, input: InputOf<P>, options?: AbortSignal | CallOptions): Promise<OutputOf<P>> {
    const call = options instanceof AbortSignal ? { signal: options } : (options ?? {});
    return (await this.send(path, { method: 'POST', body: JSON.stringify(input), signal: call.signal }, '', call)) as OutputOf<P>;
  }

  /**
   * A subscription over Server-Sent Events (tRPC's format): yields each data event's value until the
   * server ends the stream or `signal` aborts. A `serialized-error` event is thrown as a BrookError.
   */
  async *subscribe<P extends SubscriptionPath>(path: P, input: InputOf<P>, signal: AbortSignal): AsyncGenerator<EventOf<P>> {
    const res = await abortable(
      this.fetchFn(`${this.base}${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
        signal,
        headers: { accept: 'text/event-stream', ...this.options.headers },
      }),
      signal,
    );
    if (!res.ok || !res.body) throw clientError(`${path}: HTTP ${res.status}`, 'NETWORK_EXCEPTION', res.status);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    try {
      for (;;) {
        const { value, done } = await abortable(reader.read(), signal);
        if (done) return;
        for (const event of parser.push(decoder.decode(value, { stream: true }))) {
          // tRPC's events: data (type "message"), `serialized-error`, `return`; `connected` and `ping` are ignored.
          if (event.type === 'message') yield JSON.parse(event.data) as EventOf<P>;
          else if (event.type === 'serialized-error') throw toBrookError(JSON.parse(event.data) as TrpcError, res.status);
          else if (event.type === 'return') return;
        }
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  }

  /** One call with retries of transient failures (see RetryOptions). */
  private async send(path: string, init: RequestInit, qs = '', call: CallOptions = {}): Promise<unknown> {
    const retry =
      this.options.retry === false && !call.retry
        ? { ...RETRY_DEFAULTS, attempts: 1 }
        : { ...RETRY_DEFAULTS, ...(this.options.retry || {}), ...call.retry };
    const repeatable = init.method === 'GET' || REPEATABLE_MUTATIONS.has(path);
    const signal = init.signal ?? undefined;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sendOnce(path, init, qs, call.timeoutMs);
      } catch (err) {
        const retriable = signal?.aborted !== true && (repeatable ? isTransient(err) : neverSent(err));
        if (!retriable || attempt >= retry.attempts || Date.now() - started >= retry.maxElapsedMs) throw err;
        await sleep(backoffDelay(attempt - 1, { initialMs: retry.initialBackoffMs, maxMs: retry.maxBackoffMs }), signal);
      }
    }
  }

  private async sendOnce(path: string, init: RequestInit, qs: string, timeoutMs?: number): Promise<unknown> {
    if (timeoutMs === undefined) return this.attempt(path, init, qs, init.signal ?? undefined);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await this.attempt(path, { ...init, signal }, qs, signal);
    } catch (err) {
      if (!timeout.aborted || init.signal?.aborted) throw err;
      // No answer in time: the outcome is unknown, as after a lost connection (retried as transient).
      throw clientError(`${path}: no answer within ${timeoutMs} ms`, 'REQUEST_TIMED_OUT', 0);
    }
  }

  private async attempt(path: string, init: RequestInit, qs: string, signal: AbortSignal | undefined): Promise<unknown> {
    const res = await abortable(
      this.fetchFn(`${this.base}${path}${qs}`, {
        ...init,
        headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...this.options.headers },
      }),
      signal,
    );
    const text = await abortable(res.text(), signal, () => res.body?.cancel().catch(() => {}));
    let body: TrpcAnswer;
    try {
      body = JSON.parse(text);
    } catch {
      throw clientError(`${path}: HTTP ${res.status} ${text.slice(0, 200)}`, 'NETWORK_EXCEPTION', res.status);
    }
    if (body.error) throw toBrookError(body.error, res.status);
    return body.result?.data;
  }
}

/**
 * Worth another attempt: a network failure, no answer in time (status 0), or an answer that says "not
 * now" (502/503/504, retriable).
 */
function isTransient(err: unknown): boolean {
  if (err instanceof BrookError) return ([502, 503, 504].includes(err.httpStatus) || err.httpStatus === 0) && err.retriable;
  return err instanceof TypeError && err.cause !== undefined; // fetch's "fetch failed" (refused, reset, DNS), not a bad URL
}

/** The request never left: the connection to Brook was refused, so nothing can have been applied. */
function neverSent(err: unknown): boolean {
  return err instanceof TypeError && (err.cause as { code?: string } | undefined)?.code === 'ECONNREFUSED';
}

/**
 * Settles with `p`, or rejects as soon as `signal` aborts, whichever comes first. Node's fetch (undici 6)
 * can leave a body read pending for good after an abort under load (nodejs/undici#4089): a consumer
 * letting go of a revoked partition must not wait on it. `onAbort` releases what `p` holds.
 */
export function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined, onAbort?: () => void): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      p.catch(() => {}); // settles later, or never: either way nobody waits for it
      onAbort?.();
      reject(signal.reason ?? new Error('aborted'));
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
}

/** A failure the client itself names, with the code and retriability of Kafka's table. */
function clientError(message: string, name: KafkaErrorName, httpStatus: number): BrookError {
  const { code, retriable } = KAFKA_ERRORS[name];
  return new BrookError(message, name, code, retriable, httpStatus);
}

function toBrookError(error: TrpcError, status: number): BrookError {
  const kafka = error.data?.kafka ?? { name: 'UNKNOWN_SERVER_ERROR', ...KAFKA_ERRORS.UNKNOWN_SERVER_ERROR };
  return new BrookError(error.message, kafka.name, kafka.code, kafka.retriable, status);
}

export const isBrookError = (err: unknown, kafkaName?: string): err is BrookError =>
  err instanceof BrookError && (kafkaName === undefined || err.kafkaName === kafkaName);
