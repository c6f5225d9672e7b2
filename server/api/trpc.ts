import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import type { Broker } from '@/server/broker';
import { isBrokerError } from '@/server/broker';
import { INVALID_REQUEST_DATA, kafkaErrorData, toTRPCError, UNKNOWN_SERVER_ERROR_DATA } from './errors';

/**
 * tRPC setup: context, error formatter, procedures. Plain JSON (no transformer), so curl and any HTTP
 * client can call the API: queries are GET /api/trpc/<name>?input=<json>, mutations POST with a JSON body.
 */
export interface Context {
  broker: Broker;
  /** The caller's address as the HTTP edge saw it (shown as a group member's host). */
  clientHost?: string;
}

const t = initTRPC.context<Context>().create({
  // Subscriptions (records.tail) stream over Server-Sent Events; pings keep proxies from closing them.
  sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    const kafka =
      kafkaErrorData(error.cause) ??
      (zodError || error.code === 'BAD_REQUEST' ? INVALID_REQUEST_DATA : error.code === 'INTERNAL_SERVER_ERROR' ? UNKNOWN_SERVER_ERROR_DATA : null);
    return { ...shape, data: { ...shape.data, stack: undefined, kafka, zodError } };
  },
});

/** Broker errors keep their Kafka name and code and get the matching HTTP status. */
const kafkaErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isBrokerError(result.error.cause)) {
    throw toTRPCError(result.error.cause);
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(kafkaErrors);
export { TRPCError };
