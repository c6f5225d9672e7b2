import { inspect } from 'node:util';
import { transientKind } from '@/db/transient';
/**
 * Kafka's error table (the subset Brook can raise or a Kafka client may need to be told), with the
 * protocol's numeric codes and retriability as in Kafka's Errors.java (retriable = a RetriableException
 * there), and the one error type the engine throws. The tRPC edge maps these to HTTP codes and keeps the Kafka name.
 */
export const KAFKA_ERRORS = {
  UNKNOWN_SERVER_ERROR: { code: -1, retriable: false },
  OFFSET_OUT_OF_RANGE: { code: 1, retriable: false },
  CORRUPT_MESSAGE: { code: 2, retriable: true },
  UNKNOWN_TOPIC_OR_PARTITION: { code: 3, retriable: true },
  INVALID_FETCH_SIZE: { code: 4, retriable: false },
  LEADER_NOT_AVAILABLE: { code: 5, retriable: true },
  NOT_LEADER_OR_FOLLOWER: { code: 6, retriable: true },
  REQUEST_TIMED_OUT: { code: 7, retriable: true },
  MESSAGE_TOO_LARGE: { code: 10, retriable: false },
  OFFSET_METADATA_TOO_LARGE: { code: 12, retriable: false },
  NETWORK_EXCEPTION: { code: 13, retriable: true },
  COORDINATOR_LOAD_IN_PROGRESS: { code: 14, retriable: true },
  COORDINATOR_NOT_AVAILABLE: { code: 15, retriable: true },
  NOT_COORDINATOR: { code: 16, retriable: true },
  INVALID_TOPIC_EXCEPTION: { code: 17, retriable: false },
  RECORD_LIST_TOO_LARGE: { code: 18, retriable: false },
  NOT_ENOUGH_REPLICAS: { code: 19, retriable: true },
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: { code: 20, retriable: true },
  INVALID_REQUIRED_ACKS: { code: 21, retriable: false },
  ILLEGAL_GENERATION: { code: 22, retriable: false },
  INCONSISTENT_GROUP_PROTOCOL: { code: 23, retriable: false },
  INVALID_GROUP_ID: { code: 24, retriable: false },
  UNKNOWN_MEMBER_ID: { code: 25, retriable: false },
  INVALID_SESSION_TIMEOUT: { code: 26, retriable: false },
  REBALANCE_IN_PROGRESS: { code: 27, retriable: false },
  INVALID_COMMIT_OFFSET_SIZE: { code: 28, retriable: false },
  TOPIC_AUTHORIZATION_FAILED: { code: 29, retriable: false },
  GROUP_AUTHORIZATION_FAILED: { code: 30, retriable: false },
  CLUSTER_AUTHORIZATION_FAILED: { code: 31, retriable: false },
  INVALID_TIMESTAMP: { code: 32, retriable: false },
  UNSUPPORTED_SASL_MECHANISM: { code: 33, retriable: false },
  ILLEGAL_SASL_STATE: { code: 34, retriable: false },
  UNSUPPORTED_VERSION: { code: 35, retriable: false },
  TOPIC_ALREADY_EXISTS: { code: 36, retriable: false },
  INVALID_PARTITIONS: { code: 37, retriable: false },
  INVALID_REPLICATION_FACTOR: { code: 38, retriable: false },
  INVALID_REPLICA_ASSIGNMENT: { code: 39, retriable: false },
  INVALID_CONFIG: { code: 40, retriable: false },
  NOT_CONTROLLER: { code: 41, retriable: true },
  INVALID_REQUEST: { code: 42, retriable: false },
  UNSUPPORTED_FOR_MESSAGE_FORMAT: { code: 43, retriable: false },
  POLICY_VIOLATION: { code: 44, retriable: false },
  OUT_OF_ORDER_SEQUENCE_NUMBER: { code: 45, retriable: false },
  DUPLICATE_SEQUENCE_NUMBER: { code: 46, retriable: false },
  INVALID_PRODUCER_EPOCH: { code: 47, retriable: false },
  INVALID_TXN_STATE: { code: 48, retriable: false },
  INVALID_PRODUCER_ID_MAPPING: { code: 49, retriable: false },
  INVALID_TRANSACTION_TIMEOUT: { code: 50, retriable: false },
  CONCURRENT_TRANSACTIONS: { code: 51, retriable: true },
  TRANSACTION_COORDINATOR_FENCED: { code: 52, retriable: false },
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: { code: 53, retriable: false },
  SECURITY_DISABLED: { code: 54, retriable: false },
  KAFKA_STORAGE_ERROR: { code: 56, retriable: true },
  SASL_AUTHENTICATION_FAILED: { code: 58, retriable: false },
  UNKNOWN_PRODUCER_ID: { code: 59, retriable: false },
  NON_EMPTY_GROUP: { code: 68, retriable: false },
  GROUP_ID_NOT_FOUND: { code: 69, retriable: false },
  TOPIC_DELETION_DISABLED: { code: 73, retriable: false },
  UNSUPPORTED_COMPRESSION_TYPE: { code: 76, retriable: false },
  FETCH_SESSION_ID_NOT_FOUND: { code: 70, retriable: true },
  MEMBER_ID_REQUIRED: { code: 79, retriable: false },
  GROUP_MAX_SIZE_REACHED: { code: 81, retriable: false },
  FENCED_INSTANCE_ID: { code: 82, retriable: false },
  GROUP_SUBSCRIBED_TO_TOPIC: { code: 86, retriable: false },
  INVALID_RECORD: { code: 87, retriable: false },
  UNSTABLE_OFFSET_COMMIT: { code: 88, retriable: true },
  THROTTLING_QUOTA_EXCEEDED: { code: 89, retriable: true },
  PRODUCER_FENCED: { code: 90, retriable: false },
  RESOURCE_NOT_FOUND: { code: 91, retriable: false },
  DUPLICATE_RESOURCE: { code: 92, retriable: false },
  UNACCEPTABLE_CREDENTIAL: { code: 93, retriable: false },
  UNKNOWN_TOPIC_ID: { code: 100, retriable: true },
  TRANSACTIONAL_ID_NOT_FOUND: { code: 105, retriable: false },
  FENCED_MEMBER_EPOCH: { code: 110, retriable: false },
  UNRELEASED_INSTANCE_ID: { code: 111, retriable: false },
  UNSUPPORTED_ASSIGNOR: { code: 112, retriable: false },
  STALE_MEMBER_EPOCH: { code: 113, retriable: false },
} as const;

export type KafkaErrorName = keyof typeof KAFKA_ERRORS;

/**
 * Brand instead of `instanceof`: server/main.ts and Next's page bundles hold separate module copies, so
 * an error thrown by the engine booted in one copy is not an instance of the other's class.
 */
const BRAND = Symbol.for('brook.BrokerError');

export class BrokerError extends Error {
  readonly [BRAND] = true;
  readonly kafkaName: KafkaErrorName;
  readonly kafkaCode: number;
  readonly retriable: boolean;

  constructor(kafkaName: KafkaErrorName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerError';
    this.kafkaName = kafkaName;
    this.kafkaCode = KAFKA_ERRORS[kafkaName].code;
    this.retriable = KAFKA_ERRORS[kafkaName].retriable;
  }
}

export function isBrokerError(err: unknown, kafkaName?: KafkaErrorName): err is BrokerError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { [BRAND]?: boolean })[BRAND] === true &&
    (kafkaName === undefined || (err as BrokerError).kafkaName === kafkaName)
  );
}

/**
 * A transient database failure as the Kafka error a client can act on (retry), or null. Kafka answers
 * KAFKA_STORAGE_ERROR (56, retriable) when a broker cannot use its log storage, which is what an
 * unreachable, restarting or contended database is to Brook; REQUEST_TIMED_OUT (7) when it gave up waiting,
 * or when the connection was lost during a COMMIT (Kafka's meaning for acks=all: the write may have happened).
 * The message names neither host nor port (the driver's text does): the cause keeps it for the server log.
 */
export function transientBrokerError(err: unknown): BrokerError | null {
  switch (transientKind(err)) {
    case 'unavailable':
      return new BrokerError('KAFKA_STORAGE_ERROR', "The log's database is unreachable or restarting; retry shortly.", { cause: err });
    case 'conflict':
      return new BrokerError(
        'KAFKA_STORAGE_ERROR',
        'The database aborted this request because of a concurrent one (serialization failure or deadlock); retry.',
        { cause: err },
      );
    case 'timeout':
      return new BrokerError('REQUEST_TIMED_OUT', 'The database did not complete this request in time; retry.', { cause: err });
    case 'commit-unknown':
      return new BrokerError(
        'REQUEST_TIMED_OUT',
        'The connection to the database was lost while this request was committing: it may have been applied. A retry with the same idempotency key or producer sequence is answered with the first outcome.',
        { cause: err },
      );
    default:
      return null;
  }
}

/**
 * Whether `err` comes from the database being away or busy (unreachable, restarting, a COMMIT lost with its
 * connection, a timeout, a conflict with a concurrent transaction) rather than from a verdict on the request.
 */
export const isDatabaseOutage = (err: unknown): boolean => transientKind(err) !== null;

/** A COMMIT lost with its connection and not resolved in time: the write may or may not have happened. */
export const isCommitInDoubt = (err: unknown): boolean => transientKind(err) === 'commit-unknown';

/** The Kafka error for anything thrown: a BrokerError as is, a transient database failure mapped, else null. */
export function asBrokerError(err: unknown): BrokerError | null {
  return isBrokerError(err) ? err : (transientBrokerError(err) ?? unstorableText(err));
}

/**
 * Text Postgres cannot hold (a NUL, bytes that are not UTF-8) that reached a statement as a parameter: the
 * client's mistake, whichever name or field it was in (a Kafka client can send any bytes as a string).
 */
function unstorableText(err: unknown): BrokerError | null {
  const state = sqlState(err);
  if (state !== '22021' && state !== '22P05') return null;
  return new BrokerError('INVALID_REQUEST', 'The request holds text the log cannot store (a NUL character or invalid Unicode).', {
    cause: err,
  });
}

/**
 * A readable message for any thrown value: Error-likes from another realm or an Emscripten module (PGlite)
 * are not `instanceof Error`, and String() of a plain object is "[object Object]".
 */
export function errorMessage(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object') {
    const { message, code, cause, name, errno } = err as {
      message?: unknown;
      code?: unknown;
      cause?: unknown;
      name?: unknown;
      errno?: unknown;
    };
    if (typeof message === 'string' && message) {
      const withCode = typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message;
      return cause !== undefined && cause !== err ? `${withCode} (cause: ${errorMessage(cause)})` : withCode;
    }
    // Emscripten's file system errors (PGlite) carry only a name and an errno.
    if (typeof name === 'string' && typeof errno === 'number') return `${name} (errno ${errno})`;
    try {
      const json = JSON.stringify(err);
      if (json && json !== '{}') return json;
    } catch {
      /* circular: fall through */
    }
    return Object.prototype.toString.call(err) === '[object Object]' ? inspect(err, { depth: 2, breakLength: Infinity }) : String(err);
  }
  return String(err);
}

/** Postgres SQLSTATE of a driver error, if any (both drivers expose `code`). */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Postgres: relation does not exist (a partition's log table dropped or not yet created). */
export const UNDEFINED_TABLE = '42P01';
export const UNIQUE_VIOLATION = '23505';
export const LOCK_NOT_AVAILABLE = '55P03';
