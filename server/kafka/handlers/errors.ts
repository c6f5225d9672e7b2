import { asBrokerError, isCommitInDoubt, isDatabaseOutage, KAFKA_ERRORS, type KafkaErrorName } from '@/server/broker/errors';

/** Kafka's numeric code of an error name. */
export const kafkaCode = (name: KafkaErrorName): number => KAFKA_ERRORS[name].code;

/**
 * Whether `err` is the database being away (unreachable, restarting, a COMMIT lost with its connection,
 * a timeout), after Brook held the call as long as it holds calls (db/hold.ts), rather than a verdict on
 * the request. Kafka clients react to each API's error codes differently, and some codes make them drop
 * their partitions, restart or give up: each API answers an outage with the code its clients retry (each
 * handler's `outage`, and docs/kafka-outages.md).
 */
export const isOutage = isDatabaseOutage;
export { isCommitInDoubt };

/**
 * The Kafka code of an engine error, for responses that carry errors per group, member or partition; an
 * outage is answered with `outage`; anything else (a bug) is rethrown so the dispatcher logs it and answers
 * the whole request.
 */
export function errorCodeOf(err: unknown, outage?: KafkaErrorName): number {
  const known = asBrokerError(err);
  if (!known) throw err;
  return outage && isOutage(err) ? kafkaCode(outage) : known.kafkaCode;
}

/** The code and message of an engine error (responses from versions that carry a message). */
export function errorOf(err: unknown): { code: number; message: string } {
  const known = asBrokerError(err);
  if (!known) throw err;
  return { code: known.kafkaCode, message: known.message };
}
