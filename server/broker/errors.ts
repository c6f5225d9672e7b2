import { inspect } from 'node:util';
import { transientKind } from '@/db/transient';
import { KAFKA_ERRORS, type KafkaErrorName } from '@/server/kernel/kafka-errors';

export { KAFKA_ERRORS, type KafkaErrorName };

/**
 * Brand instead of `instanceof`: server/main.ts and Next's page bundles hold separate module copies, so
 * an error thrown by the engine booted in one copy is not an instance of the other's class.
 */
const BRAND = Symbol.for('brook.BrokerError');

/** The one error type the engine throws. The tRPC edge maps these to HTTP codes and keeps the Kafka name. */
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
