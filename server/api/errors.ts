import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { isBrokerError, KAFKA_ERRORS, type BrokerError, type KafkaErrorName } from '@/server/broker';

/** Kafka error name → the tRPC (and so HTTP) code a client sees; the Kafka name travels in error data. */
const TRPC_CODE: Partial<Record<KafkaErrorName, TRPC_ERROR_CODE_KEY>> = {
  UNKNOWN_TOPIC_OR_PARTITION: 'NOT_FOUND',
  GROUP_ID_NOT_FOUND: 'NOT_FOUND',
  TOPIC_ALREADY_EXISTS: 'CONFLICT',
  NON_EMPTY_GROUP: 'CONFLICT',
  GROUP_SUBSCRIBED_TO_TOPIC: 'CONFLICT',
  REBALANCE_IN_PROGRESS: 'CONFLICT',
  UNKNOWN_MEMBER_ID: 'PRECONDITION_FAILED',
  FENCED_MEMBER_EPOCH: 'PRECONDITION_FAILED',
  STALE_MEMBER_EPOCH: 'PRECONDITION_FAILED',
  ILLEGAL_GENERATION: 'PRECONDITION_FAILED',
  MESSAGE_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  RECORD_LIST_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  REQUEST_TIMED_OUT: 'TIMEOUT',
  COORDINATOR_NOT_AVAILABLE: 'SERVICE_UNAVAILABLE',
  UNKNOWN_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
};

export function toTRPCError(err: BrokerError): TRPCError {
  return new TRPCError({ code: TRPC_CODE[err.kafkaName] ?? 'BAD_REQUEST', message: err.message, cause: err });
}

export interface KafkaErrorData {
  name: KafkaErrorName;
  code: number;
  retriable: boolean;
}

export function kafkaErrorData(cause: unknown): KafkaErrorData | null {
  if (isBrokerError(cause)) return { name: cause.kafkaName, code: cause.kafkaCode, retriable: cause.retriable };
  return null;
}

export const INVALID_REQUEST_DATA: KafkaErrorData = { name: 'INVALID_REQUEST', code: KAFKA_ERRORS.INVALID_REQUEST.code, retriable: false };
export const UNKNOWN_SERVER_ERROR_DATA: KafkaErrorData = { name: 'UNKNOWN_SERVER_ERROR', code: -1, retriable: false };
