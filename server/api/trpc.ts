import { initTRPC, TRPCError } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { ZodError, z } from 'zod';
import type { Broker } from '@/server/broker';
import { asBrokerError, isBrokerError } from '@/server/broker/errors';
import {
  errorId,
  INVALID_REQUEST_DATA,
  internalErrorMessage,
  kafkaErrorData,
  toTRPCError,
  trpcCode,
  UNKNOWN_SERVER_ERROR_DATA,
} from './errors';

/**
 * tRPC setup: context, error formatter, procedures. Plain JSON (no transformer), so curl and any HTTP
 * client can call the API: queries are GET /api/trpc/<name>?input=<json>, mutations POST with a JSON body.
 */
export interface Context {
  broker: Broker;
  /** The caller's address as the HTTP edge saw it (shown as a group member's host). */
  clientHost?: string;
  /** The request's headers (empty for in-process callers). */
  headers: Headers;
}

const t = initTRPC.context<Context>().create({
  // Subscriptions (records.tail) stream over Server-Sent Events; pings keep proxies from closing them.
  sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    const kafka =
      kafkaErrorData(error.cause) ??
      // Every refusal tRPC makes itself (bad input, wrong method, unknown procedure) is the client's INVALID_REQUEST.
      (error.code === 'INTERNAL_SERVER_ERROR' ? UNKNOWN_SERVER_ERROR_DATA : INVALID_REQUEST_DATA);
    // A transient database failure that did not pass the middleware (an SSE stream already under way,
    // context creation): same name, message and code as a procedure's, and never the driver's text.
    const transient = !isBrokerError(error.cause) ? asBrokerError(error.cause) : null;
    if (transient) {
      const code = trpcCode(transient);
      return {
        ...shape,
        message: transient.message,
        code: TRPC_ERROR_CODES_BY_KEY[code],
        data: { ...shape.data, code, httpStatus: 503, stack: undefined, kafka, zodError },
      };
    }
    // Anything else unexpected: the id, not the cause's text (the log has both).
    const message =
      error.code === 'INTERNAL_SERVER_ERROR' && !isBrokerError(error.cause) ? internalErrorMessage(errorId(error)) : shape.message;
    return { ...shape, message, data: { ...shape.data, stack: undefined, kafka, zodError } };
  },
});

/**
 * Broker errors keep their Kafka name and code and get the matching HTTP status. Transient database
 * failures (connection lost, server restarting, serialization failure, timeout) become retriable Kafka
 * errors here, once for every procedure: 503 with a message that names no host.
 */
const kafkaErrors = t.middleware(async ({ next }) => {
  const result = await next();
  const err = result.ok ? null : asBrokerError(result.error.cause);
  if (err) throw toTRPCError(err);
  // A subscription fails while it streams (an unknown topic, a bad offset): the same mapping per event.
  if (result.ok && isAsyncIterable(result.data)) return { ...result, data: kafkaNamedStream(result.data) };
  return result;
});

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> => typeof v === 'object' && v !== null && Symbol.asyncIterator in v;

async function* kafkaNamedStream<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (cause) {
    const err = asBrokerError(cause);
    throw err ? toTRPCError(err) : cause;
  }
}

export const createTRPCRouter = t.router;
export const publicProcedure = t.procedure.use(kafkaErrors);
export { TRPCError };
