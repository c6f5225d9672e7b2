import { asBrokerError, KAFKA_ERRORS, type KafkaErrorName } from '@/server/broker/errors';

/** Kafka's numeric code of an error name. */
export const kafkaCode = (name: KafkaErrorName): number => KAFKA_ERRORS[name].code;

/**
 * The Kafka code of an engine error, for responses that carry errors per group, member or partition;
 * anything else (a bug) is rethrown so the dispatcher logs it and answers the whole request.
 */
export function errorCodeOf(err: unknown): number {
  const known = asBrokerError(err);
  if (!known) throw err;
  return known.kafkaCode;
}

/** The code and message of an engine error (responses from versions that carry a message). */
export function errorOf(err: unknown): { code: number; message: string } {
  const known = asBrokerError(err);
  if (!known) throw err;
  return { code: known.kafkaCode, message: known.message };
}
