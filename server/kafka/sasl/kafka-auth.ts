import type { Auth } from '@/server/broker/auth';
import type { KafkaAuth } from './session';

/**
 * The listener's view of the engine's auth store: `broker.auth` as it is, plus SCRAM's share of the
 * failed-login limits. PLAIN goes through `checkPassword`, which counts itself; a SCRAM exchange never hands
 * the store a password, so the listener counts it with the same limiter (same rows, same limits): the
 * client's first message only reads the name's delay (an abandoned exchange counts nothing), and the final
 * message claims the attempt before its proof is checked; a valid proof clears it.
 */
export function kafkaAuth(auth: Auth, now: () => number): KafkaAuth {
  return {
    mode: auth.mode,
    anonymous: () => auth.anonymous(),
    checkPassword: (input) => auth.checkPassword(input),
    scramCredential: (mechanism, username) => auth.scramCredential(mechanism, username),
    scramCheck: (username) => auth.limiter.check(username, now()),
    scramFakeCredential: (mechanism, username) => auth.scramFakeCredential(mechanism, username),
    async scramAttempt(username, address, token) {
      // A token's name is not throttled: its secret cannot be guessed, and tokens keep working under attack.
      const name = token ? null : username;
      const counted = await auth.limiter.attempt(name, address, now());
      return { succeeded: () => auth.limiter.succeeded(name, address, counted) };
    },
    audit: { record: (entry) => auth.audit.record(entry) },
  };
}
