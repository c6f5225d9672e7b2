import { defaultShouldDehydrateQuery, QueryClient } from '@tanstack/react-query';

/** Kafka errors that the same request will always get again: retrying only delays the answer. */
const PERMANENT_KAFKA_ERRORS = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'GROUP_ID_NOT_FOUND',
  'INVALID_REQUEST',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_PARTITIONS',
]);

interface ErrorData {
  httpStatus?: number;
  kafka?: { name?: string; retriable?: boolean } | null;
}

/**
 * True for errors a retry cannot change: a permanent Kafka error, or any 4xx except timeouts and rate
 * limits (what the tRPC client puts in `error.data`). Network failures and 5xx stay retriable.
 */
export function isPermanentError(error: unknown): boolean {
  const data = (error as { data?: ErrorData } | null)?.data;
  if (!data) return false;
  if (data.kafka?.name && PERMANENT_KAFKA_ERRORS.has(data.kafka.name)) return true;
  const status = data.httpStatus;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export const retryQuery = (failureCount: number, error: unknown) => !isPermanentError(error) && failureCount < 3;

/** One factory for the browser's QueryClient and the per-request one used for server prefetching. */
export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // An unknown topic or group answered "does not exist" only after 3 retries (7 s of an empty page).
      // Server prefetches never retry (the browser will, if the error can change).
      queries: { staleTime: 5_000, refetchOnWindowFocus: false, retry: typeof window === 'undefined' ? false : retryQuery },
      dehydrate: {
        // Also hand pending prefetches to the client, so a page streams instead of waiting.
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === 'pending',
      },
    },
  });
}
