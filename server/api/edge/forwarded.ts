/**
 * https as a proxy in front reports it (X-Forwarded-Proto's first value). Free of engine imports: the
 * Host/Origin rules (hosts.ts) run in Next's proxy too.
 */
export const forwardedHttps = (headers: Headers) => isHttps(headers.get('x-forwarded-proto'));

/** An X-Forwarded-Proto value whose first entry is https. */
export const isHttps = (value: string | null | undefined) => value?.split(',')[0]?.trim().toLowerCase() === 'https';

/** The console's session cookie over http: a random secret (the server keeps its SHA-256). */
export const SESSION_COOKIE = 'brook_session';

/**
 * Its name over https: a `__Host-` cookie is accepted by browsers only with Secure, Path=/ and no Domain,
 * so no other host or subdomain (nor plain-http page) can plant or overwrite it.
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** The session cookie's name for a request served over https (`secure`) or not. */
export const sessionCookieName = (secure: boolean) => (secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE);
