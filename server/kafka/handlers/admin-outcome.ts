import { asBrokerError, BrokerError, type KafkaErrorName } from '@/server/broker/errors';

/** One resource's answer in an admin response: Kafka's error code and message, 0/null on success. */
export interface Outcome {
  errorCode: number;
  errorMessage: string | null;
}

export const OK: Outcome = { errorCode: 0, errorMessage: null };

export const failure = (name: KafkaErrorName, message: string): Outcome => {
  const err = new BrokerError(name, message);
  return { errorCode: err.kafkaCode, errorMessage: err.message };
};

/**
 * Runs one resource's part of an admin request and answers its outcome: a Kafka error (BrokerError or a
 * transient database failure) becomes that resource's error, so the other resources still get theirs.
 * Anything else is a bug and is rethrown for the dispatcher to log and answer as UNKNOWN_SERVER_ERROR.
 */
export async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return OK;
  } catch (err) {
    const known = asBrokerError(err);
    if (!known) throw err;
    return { errorCode: known.kafkaCode, errorMessage: known.message };
  }
}

/** Names a request lists more than once: Kafka refuses each of them with INVALID_REQUEST. */
export function duplicates(names: readonly (string | null)[]): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const n of names) {
    if (n === null) continue;
    if (seen.has(n)) twice.add(n);
    seen.add(n);
  }
  return twice;
}

export const duplicateOutcome = (kind: string, name: string) =>
  failure('INVALID_REQUEST', `The request names ${kind} "${name}" more than once.`);
