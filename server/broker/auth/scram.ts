import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ScramCredential, ScramMechanism } from '@/server/kernel/auth-types';

/**
 * SCRAM (RFC 5802, with SHA-256/512 as RFC 7677 and Kafka's KIP-84 use them): what the server keeps
 * instead of the password, and the proof checks the Kafka listener runs against it. Passwords are taken
 * as UTF-8 bytes without SASLprep, as Kafka's ScramFormatter does, so Kafka clients agree with us.
 */
export const SCRAM_ITERATIONS = 4096;
export const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

const HASHES: Record<ScramMechanism, { name: 'sha256' | 'sha512'; bytes: number }> = {
  'SCRAM-SHA-256': { name: 'sha256', bytes: 32 },
  'SCRAM-SHA-512': { name: 'sha512', bytes: 64 },
};

export const scramHash = (mechanism: ScramMechanism) => HASHES[mechanism].name;

export function hmac(mechanism: ScramMechanism, key: Uint8Array, data: string | Uint8Array): Buffer {
  return createHmac(scramHash(mechanism), key).update(data).digest();
}

export function digest(mechanism: ScramMechanism, data: Uint8Array): Buffer {
  return createHash(scramHash(mechanism)).update(data).digest();
}

export function xor(a: Uint8Array, b: Uint8Array): Buffer {
  if (a.length !== b.length) throw new Error('SCRAM: xor of unequal lengths');
  return Buffer.from(a.map((x, i) => x ^ b[i]));
}

/** SaltedPassword := Hi(Normalize(password), salt, i), Hi being PBKDF2 with HMAC over the mechanism's hash. */
export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Uint8Array, iterations: number): Promise<Buffer> {
  const { name, bytes } = HASHES[mechanism];
  return new Promise((resolve, reject) => {
    pbkdf2(Buffer.from(password, 'utf8'), salt, iterations, bytes, name, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** ClientKey, StoredKey := H(ClientKey), ServerKey from a SaltedPassword. */
export function scramKeys(mechanism: ScramMechanism, salted: Uint8Array) {
  const clientKey = hmac(mechanism, salted, 'Client Key');
  return { clientKey, storedKey: digest(mechanism, clientKey), serverKey: hmac(mechanism, salted, 'Server Key') };
}

/** The credential to store for a password (a fresh random salt unless one is given). */
export async function scramCredential(
  mechanism: ScramMechanism,
  password: string,
  salt: Buffer = randomBytes(32),
  iterations = SCRAM_ITERATIONS,
): Promise<ScramCredential> {
  const { storedKey, serverKey } = scramKeys(mechanism, await saltedPassword(mechanism, password, salt, iterations));
  return { salt, iterations, storedKey, serverKey };
}

/**
 * The server's check of a client-final-message's proof: ClientKey := ClientProof XOR HMAC(StoredKey,
 * AuthMessage), and H(ClientKey) must be StoredKey. Constant-time.
 */
export function verifyClientProof(mechanism: ScramMechanism, credential: ScramCredential, authMessage: string, proof: Uint8Array): boolean {
  const signature = hmac(mechanism, credential.storedKey, authMessage);
  if (proof.length !== signature.length) return false;
  return timingSafeEqual(digest(mechanism, xor(proof, signature)), credential.storedKey);
}

/** ServerSignature := HMAC(ServerKey, AuthMessage), sent back as `v=` so the client knows the server had the credential. */
export function serverSignature(mechanism: ScramMechanism, credential: ScramCredential, authMessage: string): Buffer {
  return hmac(mechanism, credential.serverKey, authMessage);
}

/** The client's side (tests and the TypeScript client): ClientProof for an AuthMessage. */
export async function clientProof(
  mechanism: ScramMechanism,
  password: string,
  salt: Uint8Array,
  iterations: number,
  authMessage: string,
): Promise<Buffer> {
  const { clientKey, storedKey } = scramKeys(mechanism, await saltedPassword(mechanism, password, salt, iterations));
  return xor(clientKey, hmac(mechanism, storedKey, authMessage));
}
