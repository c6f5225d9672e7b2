import { inspect } from 'node:util';
import { transientKind } from '@/db/transient';
/**
 * Kafka's error table (the subset Brook can raise), with the protocol's numeric codes, and the one
 * error type the engine throws. The tRPC edge maps these to HTTP codes and keeps the Kafka name.
 */
export const KAFKA_ERRORS = {
  UNKNOWN_SERVER_ERROR: { code: -1, retriable: false },
  OFFSET_OUT_OF_RANGE: { code: 1, retriable: false },
  CORRUPT_MESSAGE: { code: 2, retriable: true },
  UNKNOWN_TOPIC_OR_PARTITION: { code: 3, retriable: true },
  INVALID_FETCH_SIZE: { code: 4, retriable: false },
  REQUEST_TIMED_OUT: { code: 7, retriable: true },
  MESSAGE_TOO_LARGE: { code: 10, retriable: false },
  OFFSET_METADATA_TOO_LARGE: { code: 12, retriable: false },
  COORDINATOR_NOT_AVAILABLE: { code: 15, retriable: true },
  INVALID_TOPIC_EXCEPTION: { code: 17, retriable: false },
  RECORD_LIST_TOO_LARGE: { code: 18, retriable: false },
  ILLEGAL_GENERATION: { code: 22, retriable: false },
  INCONSISTENT_GROUP_PROTOCOL: { code: 23, retriable: false },
  INVALID_GROUP_ID: { code: 24, retriable: false },
  UNKNOWN_MEMBER_ID: { code: 25, retriable: false },
  INVALID_SESSION_TIMEOUT: { code: 26, retriable: false },
  REBALANCE_IN_PROGRESS: { code: 27, retriable: false },
  INVALID_COMMIT_OFFSET_SIZE: { code: 28, retriable: false },
  INVALID_TIMESTAMP: { code: 32, retriable: false },
  TOPIC_ALREADY_EXISTS: { code: 36, retriable: false },
  INVALID_PARTITIONS: { code: 37, retriable: false },
  INVALID_REPLICATION_FACTOR: { code: 38, retriable: false },
  INVALID_CONFIG: { code: 40, retriable: false },
  INVALID_REQUEST: { code: 42, retriable: false },
  KAFKA_STORAGE_ERROR: { code: 56, retriable: true },
  POLICY_VIOLATION: { code: 44, retriable: false },
  NON_EMPTY_GROUP: { code: 68, retriable: false },
  GROUP_ID_NOT_FOUND: { code: 69, retriable: false },
  MEMBER_ID_REQUIRED: { code: 79, retriable: false },
  FENCED_INSTANCE_ID: { code: 82, retriable: false },
  GROUP_SUBSCRIBED_TO_TOPIC: { code: 86, retriable: false },
  INVALID_RECORD: { code: 87, retriable: false },
  FENCED_MEMBER_EPOCH: { code: 110, retriable: false },
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
 * unreachable, restarting or contended database is to Brook; REQUEST_TIMED_OUT (7) when it gave up waiting.
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
    default:
      return null;
  }
}

/** The Kafka error for anything thrown: a BrokerError as is, a transient database failure mapped, else null. */
export function asBrokerError(err: unknown): BrokerError | null {
  return isBrokerError(err) ? err : transientBrokerError(err);
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
