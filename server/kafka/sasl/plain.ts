import { BrokerError } from '@/server/broker/errors';

/** Longer than any name (64) and password (1024 characters, up to 4 bytes each) the store accepts. */
const MAX_MESSAGE_BYTES = 8192;

/**
 * RFC 4616 PLAIN: `[authzid] NUL authcid NUL passwd`, UTF-8. As in Kafka, an authzid is accepted only if
 * it names the user itself. Malformed messages fail like a wrong password (SASL_AUTHENTICATION_FAILED).
 */
export function parsePlain(bytes: Buffer): { username: string; password: string } {
  const invalid = (why: string) => new BrokerError('SASL_AUTHENTICATION_FAILED', `Invalid SASL/PLAIN message: ${why}.`);
  if (bytes.length > MAX_MESSAGE_BYTES) throw invalid('too long');
  const parts = bytes.toString('utf8').split('\0');
  if (parts.length !== 3) throw invalid('expected authorization id, user name and password separated by NUL');
  const [authzid, username, password] = parts;
  if (username === '') throw invalid('empty user name');
  if (password === '') throw invalid('empty password');
  if (authzid !== '' && authzid !== username) throw invalid('the authorization id must be empty or the user name');
  return { username, password };
}
