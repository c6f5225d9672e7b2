import { createHash, randomBytes } from 'node:crypto';

/** API tokens: `brook_` + 256 random bits in base64url (43 characters). The prefix lets scanners spot leaked ones. */
export const TOKEN_PREFIX = 'brook_';

export const newToken = (): string => TOKEN_PREFIX + randomBytes(32).toString('base64url');

/** A session cookie's value: 256 random bits. */
export const newSessionSecret = (): string => randomBytes(32).toString('base64url');

/**
 * What is stored for a token or session secret. A plain SHA-256 suffices (no salt, no stretching): the
 * secrets are 256-bit random, so there is nothing to guess, and a lookup by hash stays one index probe.
 */
export const secretHash = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Longer values are not ours: refused before hashing. */
export const MAX_SECRET_LENGTH = 256;
