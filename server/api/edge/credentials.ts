import type { Broker } from '@/server/broker';
import { BrokerError } from '@/server/broker/errors';
import { type Permission, type Principal, roleAllows } from '@/server/kernel/auth-types';
import type { RequestContext } from '../trpc';

import { forwardedHttps, SESSION_COOKIE, sessionCookieName } from './forwarded';

export { forwardedHttps, SESSION_COOKIE, sessionCookieName };

/** Longer than any token or session secret Brook issues: refused without a database lookup. */
const MAX_CREDENTIAL_LENGTH = 256;

/**
 * Who runs the examples' own clients (the shop's services, the tour's consumers): they call the API in
 * this process, with no credentials to present, and need to produce, fetch and join groups only.
 */
export const EXAMPLE_PRINCIPAL: Principal = { kind: 'anonymous', name: 'brook-examples', role: 'producer', hidePayloads: false };

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** `Authorization: Bearer <token>`: the token; '' for another scheme or a malformed header (refused); null without the header. */
export function bearerToken(headers: Headers): string | null {
  const header = headers.get('authorization');
  if (header === null) return null;
  const m = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
  return m ? m[1] : '';
}

/** What the transport knows about a request: its peer, whether it came over https, the host it names for group members. */
export interface RequestFacts {
  address: string | null;
  secure: boolean;
  clientHost: string;
}

/**
 * The tRPC context of one request. With auth on: a bearer token first, else the session cookie; either
 * one presented and not accepted marks the context (401 says "unknown, expired or revoked"). With auth
 * off or none, everyone is the anonymous admin. `as`: an in-process caller's own principal.
 */
export async function requestContext(
  broker: Broker,
  headers: Headers,
  facts: RequestFacts,
  resHeaders: Headers,
  as?: Principal,
): Promise<RequestContext> {
  const auth = broker.auth;
  const authMode = auth.mode;
  const base = { broker, clientHost: facts.clientHost, authMode, address: facts.address, secure: facts.secure, headers, resHeaders };
  if (as) return { ...base, principal: as };
  if (authMode !== 'on') return { ...base, principal: auth.anonymous() };
  const token = bearerToken(headers);
  const secret = token === null ? readCookie(headers.get('cookie'), sessionCookieName(facts.secure)) : null;
  const presented = token ?? secret;
  if (presented === null) return { ...base, principal: null };
  const principal =
    presented === '' || presented.length > MAX_CREDENTIAL_LENGTH
      ? null
      : token !== null
        ? await auth.bearer(presented)
        : await auth.session(presented);
  return { ...base, principal, rejectedCredentials: principal === null };
}

/** How often a long stream checks again that its credentials still hold. */
export const RECHECK_MS = 15_000;

/**
 * For streams (records.tail, records.tailTopic) that outlive the check at their start: a function to
 * call before each batch, which looks the caller's token or session up again at most every RECHECK_MS
 * and throws once it is revoked or expired, or its role no longer has `permission`.
 */
export function recheckCredentials(ctx: RequestContext, permission: Permission, now: () => number = Date.now): () => Promise<void> {
  let checkedAt = now();
  return async () => {
    const principal = ctx.principal;
    if (ctx.authMode !== 'on' || !principal || principal.kind === 'anonymous' || now() - checkedAt < RECHECK_MS) return;
    checkedAt = now();
    const token = bearerToken(ctx.headers);
    const secret = token === null ? readCookie(ctx.headers.get('cookie'), sessionCookieName(ctx.secure)) : null;
    const current = token ? await ctx.broker.auth.bearer(token) : secret ? await ctx.broker.auth.session(secret) : null;
    // A stream opened with payloads shown ends too when the new role hides them (its batches were decided at the start).
    if (current && roleAllows(current.role, permission) && current.hidePayloads === principal.hidePayloads) return;
    throw new BrokerError(
      'SASL_AUTHENTICATION_FAILED',
      current
        ? `The role of ${JSON.stringify(current.name)} no longer allows this stream as it was opened.`
        : 'The token or session of this stream expired or was revoked.',
    );
  };
}
