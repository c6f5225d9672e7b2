import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';

/**
 * Refusals made before tRPC runs (body too large, foreign Host, cross-site mutation), shaped like
 * tRPC's own errors so every client reads them the same way: message, data.code, data.httpStatus and
 * data.kafka. Kept free of engine imports: the proxy loads this module too.
 */
export interface EdgeKafkaError {
  name: string;
  code: number;
  retriable: boolean;
}

export const EDGE_ERRORS = {
  INVALID_REQUEST: { name: 'INVALID_REQUEST', code: 42, retriable: false },
  RECORD_LIST_TOO_LARGE: { name: 'RECORD_LIST_TOO_LARGE', code: 18, retriable: false },
  /** Kafka's answer to a caller it does not accept; Brook has no authentication yet, only origin rules. */
  CLUSTER_AUTHORIZATION_FAILED: { name: 'CLUSTER_AUTHORIZATION_FAILED', code: 31, retriable: false },
  /** Kafka's answer when a quota is exceeded; here, the bytes of request bodies held at once. */
  THROTTLING_QUOTA_EXCEEDED: { name: 'THROTTLING_QUOTA_EXCEEDED', code: 89, retriable: true },
  /** A request body that stalled or took too long to arrive (408). */
  REQUEST_TIMED_OUT: { name: 'REQUEST_TIMED_OUT', code: 7, retriable: true },
} satisfies Record<string, EdgeKafkaError>;

export interface EdgeRefusal {
  status: number;
  trpcCode: TRPC_ERROR_CODE_KEY;
  kafka: EdgeKafkaError;
  message: string;
}

/** tRPC batches (?batch=1) expect one result per procedure named in the path. */
function batchSize(url: URL): number {
  if (url.searchParams.get('batch') !== '1') return 0;
  const paths = url.pathname.split('/').pop() ?? '';
  return Math.min(Math.max(1, paths.split(',').length), 100);
}

/** `req`: a web Request, or anything with its absolute URL (Node's requests are answered without building one). */
export function trpcRefusal(req: { url: string }, r: EdgeRefusal, headers: Record<string, string> = {}): Response {
  const url = new URL(req.url);
  const error = {
    message: r.message,
    code: TRPC_ERROR_CODES_BY_KEY[r.trpcCode],
    data: { code: r.trpcCode, httpStatus: r.status, kafka: r.kafka, zodError: null },
  };
  const n = batchSize(url);
  const body = n > 0 ? Array.from({ length: n }, () => ({ error })) : { error };
  return new Response(JSON.stringify(body), { status: r.status, headers: { 'content-type': 'application/json', ...headers } });
}

/** Pages and plain endpoints get the reason as text. */
export function textRefusal(r: EdgeRefusal): Response {
  return new Response(`${r.message}\n`, { status: r.status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
