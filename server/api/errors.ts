import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { BrokerError, KAFKA_ERRORS, type KafkaErrorName } from '@/server/broker';
import { asBrokerError } from '@/server/broker/errors';

/** Kafka error name → the tRPC (and so HTTP) code a client sees; the Kafka name travels in error data. */
const TRPC_CODE: Partial<Record<KafkaErrorName, TRPC_ERROR_CODE_KEY>> = {
  UNKNOWN_TOPIC_OR_PARTITION: 'NOT_FOUND',
  GROUP_ID_NOT_FOUND: 'NOT_FOUND',
  TOPIC_ALREADY_EXISTS: 'CONFLICT',
  NON_EMPTY_GROUP: 'CONFLICT',
  GROUP_SUBSCRIBED_TO_TOPIC: 'CONFLICT',
  REBALANCE_IN_PROGRESS: 'CONFLICT',
  CONCURRENT_TRANSACTIONS: 'SERVICE_UNAVAILABLE',
  UNKNOWN_MEMBER_ID: 'PRECONDITION_FAILED',
  FENCED_MEMBER_EPOCH: 'PRECONDITION_FAILED',
  STALE_MEMBER_EPOCH: 'PRECONDITION_FAILED',
  ILLEGAL_GENERATION: 'PRECONDITION_FAILED',
  MESSAGE_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  RECORD_LIST_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  // The server gave up, not the client: 503 (HTTP 408 would blame the client for a slow request).
  REQUEST_TIMED_OUT: 'SERVICE_UNAVAILABLE',
  KAFKA_STORAGE_ERROR: 'SERVICE_UNAVAILABLE',
  COORDINATOR_NOT_AVAILABLE: 'SERVICE_UNAVAILABLE',
  UNKNOWN_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  // Who may call: 401 without valid credentials, 403 with a role below the procedure's, 429 after too many failed logins.
  SASL_AUTHENTICATION_FAILED: 'UNAUTHORIZED',
  TOPIC_AUTHORIZATION_FAILED: 'FORBIDDEN',
  GROUP_AUTHORIZATION_FAILED: 'FORBIDDEN',
  CLUSTER_AUTHORIZATION_FAILED: 'FORBIDDEN',
  THROTTLING_QUOTA_EXCEEDED: 'TOO_MANY_REQUESTS',
  // Users and tokens by name (auth.*); DUPLICATE_RESOURCE is also an idempotency key reused for another request.
  RESOURCE_NOT_FOUND: 'NOT_FOUND',
  DUPLICATE_RESOURCE: 'CONFLICT',
};

export const trpcCode = (err: BrokerError): TRPC_ERROR_CODE_KEY => TRPC_CODE[err.kafkaName] ?? 'BAD_REQUEST';

/** A Kafka error for a router beyond the engine's own (an example's) to throw: answered with its name, code and status. */
export function kafkaError(name: KafkaErrorName, message: string): BrokerError {
  return new BrokerError(name, message);
}

/**
 * An error a router's in-process client met (the client library's BrookError carries the Kafka name this
 * API answered it with): answered again with that name and message. Anything else is returned as it is.
 */
export function relayed(err: unknown): unknown {
  if (!(err instanceof Error) || err.name !== 'BrookError') return err;
  const name = (err as { kafkaName?: unknown }).kafkaName;
  if (typeof name !== 'string' || !Object.hasOwn(KAFKA_ERRORS, name)) return err;
  return new BrokerError(name as KafkaErrorName, err.message, { cause: err });
}

export function toTRPCError(err: BrokerError): TRPCError {
  return new TRPCError({ code: trpcCode(err), message: err.message, cause: err });
}

export interface KafkaErrorData {
  name: KafkaErrorName;
  code: number;
  retriable: boolean;
  /** When a throttled call may be tried again (ms since the epoch): a login during its user name's delay. */
  retryAt?: number;
}

/** Kafka's name, code and retriability for an error's cause (transient database failures included). */
export function kafkaErrorData(cause: unknown): KafkaErrorData | null {
  const err = asBrokerError(cause);
  if (!err) return null;
  const data: KafkaErrorData = { name: err.kafkaName, code: err.kafkaCode, retriable: err.retriable };
  const retryAt = (err as { retryAt?: unknown }).retryAt;
  if (typeof retryAt === 'number') data.retryAt = retryAt;
  return data;
}

export const INVALID_REQUEST_DATA: KafkaErrorData = { name: 'INVALID_REQUEST', code: KAFKA_ERRORS.INVALID_REQUEST.code, retriable: false };
export const UNKNOWN_SERVER_ERROR_DATA: KafkaErrorData = { name: 'UNKNOWN_SERVER_ERROR', code: -1, retriable: false };

const errorIds = new WeakMap<object, string>();

/**
 * A short id for an unexpected failure, the same in the server log and in the answer: the client sees
 * the id, never the cause's text (a driver message can name hosts, users, paths or tables).
 */
export function errorId(error: object): string {
  let id = errorIds.get(error);
  if (!id) {
    id = Math.random().toString(36).slice(2, 10);
    errorIds.set(error, id);
  }
  return id;
}

export const internalErrorMessage = (id: string) => `Internal error (id ${id}): the server log has the details.`;
