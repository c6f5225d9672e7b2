import type { Auth } from '@/server/broker/auth';
import { BrokerError } from '@/server/broker/errors';
import type { KafkaAuth } from './session';

/**
 * The listener's view of the engine's auth store: `broker.auth` as it is, plus SCRAM's share of the
 * failed-login limit. PLAIN goes through `checkPassword`, which counts itself; a SCRAM exchange never hands
 * the store a password, so the listener counts it with the same limiter (same rows, same limits): the
 * attempt counts as a failure when the client's first message arrives and is taken back by a valid proof.
 */
export function kafkaAuth(auth: Auth, now: () => number): KafkaAuth {
  return {
    mode: auth.mode,
    anonymous: () => auth.anonymous(),
    checkPassword: (input) => auth.checkPassword(input),
    scramCredential: (mechanism, username) => auth.scramCredential(mechanism, username),
    async scramAttempt(username, address) {
      const at = now();
      const attempt = await auth.limiter.attempt(username, address, at);
      if ('retryAt' in attempt) {
        const seconds = Math.max(1, Math.ceil((attempt.retryAt - at) / 1000));
        throw new BrokerError(
          'THROTTLING_QUOTA_EXCEEDED',
          `Too many failed logins for this user name or from this address: try again in ${seconds} s (after ${new Date(attempt.retryAt).toISOString()}).`,
        );
      }
      return { succeeded: () => auth.limiter.succeeded(username, address, attempt.address) };
    },
    audit: { record: (entry) => auth.audit.record(entry) },
  };
}
