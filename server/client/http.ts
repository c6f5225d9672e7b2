import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

/**
 * The Brook HTTP API as the client sees it: tRPC over plain JSON (GET for queries, POST for mutations),
 * typed from the server's router (a type-only import: nothing of the server is bundled).
 */
export type Inputs = inferRouterInputs<AppRouter>;
export type Outputs = inferRouterOutputs<AppRouter>;

type QueryPath = 'topics.list' | 'topics.get' | 'records.fetch' | 'records.listOffsets' | 'groups.fetchOffsets' | 'groups.list' | 'groups.describe' | 'groups.lag' | 'groups.lagHistory';
type In<P extends string> = P extends `${infer R}.${infer N}` ? (R extends keyof Inputs ? (N extends keyof Inputs[R] ? Inputs[R][N] : never) : never) : never;
type Out<P extends string> = P extends `${infer R}.${infer N}` ? (R extends keyof Outputs ? (N extends keyof Outputs[R] ? Outputs[R][N] : never) : never) : never;
export type ProcedurePath = { [R in keyof Inputs & string]: `${R}.${keyof Inputs[R] & string}` }[keyof Inputs & string];

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
}

export class BrookHttp {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: HttpOptions) {
    this.base = `${options.url.replace(/\/+$/, '')}/api/trpc/`;
    this.fetchFn = options.fetch ?? fetch;
  }

  query<P extends QueryPath>(path: P, input: In<P>, signal?: AbortSignal): Promise<Out<P>> {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return this.send(path, { method: 'GET', signal }, qs);
  }

  mutate<P extends Exclude<ProcedurePath, QueryPath>>(path: P, input: In<P>, signal?: AbortSignal): Promise<Out<P>> {
    return this.send(path, { method: 'POST', body: JSON.stringify(input), signal });
  }

  private async send(path: string, init: RequestInit, qs = ''): Promise<any> {
    const res = await this.fetchFn(`${this.base}${path}${qs}`, {
      ...init,
      headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...this.options.headers },
    });
    const text = await res.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      throw new BrookError(`${path}: HTTP ${res.status} ${text.slice(0, 200)}`, 'NETWORK_EXCEPTION', 13, true, res.status);
    }
    if (body.error) {
      const kafka = body.error.data?.kafka ?? { name: 'UNKNOWN_SERVER_ERROR', code: -1, retriable: false };
      throw new BrookError(body.error.message, kafka.name, kafka.code, kafka.retriable, res.status);
    }
    return body.result.data;
  }
}

export const isBrookError = (err: unknown, kafkaName?: string): err is BrookError =>
  err instanceof BrookError && (kafkaName === undefined || err.kafkaName === kafkaName);
