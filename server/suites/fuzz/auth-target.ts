import fc from 'fast-check';
import { type FuzzResponse, send } from './http';
import { checkTrpcAnswer, fail } from './oracle';
import type { FuzzEnv, Target } from './target';
import { inputArbitrary, outcomeOf, type ProcedureInfo, procedures, showInput, startsWorkers, trpcRequest } from './trpc-targets';

/**
 * With auth on: every procedure called without credentials or with bad ones (unknown, malformed, revoked
 * tokens, a forged session cookie) must be 401 with SASL_AUTHENTICATION_FAILED, never a 5xx or an answer;
 * with a viewer's token, never 401, and a refusal is 403 with a *_AUTHORIZATION_FAILED name. Either way a
 * refused call changes nothing.
 */
type Credential = 'none' | 'garbage' | 'unknown-token' | 'revoked-token' | 'basic' | 'forged-cookie' | 'empty-bearer' | 'viewer';
const CREDENTIALS: Credential[] = ['none', 'garbage', 'unknown-token', 'revoked-token', 'basic', 'forged-cookie', 'empty-bearer', 'viewer'];

/** Procedures anyone may call (the login itself, who am I, logging out). */
export const PUBLIC_PROCEDURES = new Set(['auth.login', 'auth.me', 'auth.logout']);

interface AuthCase {
  procedure: number;
  input: unknown;
  credential: Credential;
  junk: string;
}

function headersFor(env: FuzzEnv, c: AuthCase): Record<string, string> {
  const creds = env.credentials;
  if (!creds) throw new Error('auth target without credentials');
  switch (c.credential) {
    case 'none':
      return {};
    case 'garbage':
      return { authorization: `Bearer ${c.junk}` };
    case 'unknown-token':
      return { authorization: `Bearer brook_${Buffer.from(c.junk.padEnd(32, 'x')).toString('base64url').slice(0, 43).padEnd(43, 'A')}` };
    case 'revoked-token':
      return { authorization: `Bearer ${creds.revoked}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`admin:${c.junk}`).toString('base64')}` };
    case 'forged-cookie':
      // With the console's own Origin, as a browser sends it: without one the edge refuses the change (403) first.
      return { cookie: `brook_session=${encodeURIComponent(c.junk)}`, origin: 'http://localhost:3000' };
    case 'empty-bearer':
      return { authorization: 'Bearer ' };
    case 'viewer':
      return { authorization: `Bearer ${creds.viewer}` };
  }
}

/** The status a client sees: the response's, or for a stream the httpStatus of its first error event (200 if none). */
function effectiveStatus(res: FuzzResponse): number {
  if (!res.contentType.startsWith('text/event-stream')) return res.status;
  const data = res.text.match(/^event: serialized-error\ndata: (.*)$/m)?.[1];
  if (!data) return res.status;
  return (JSON.parse(data) as { data?: { httpStatus?: number } }).data?.httpStatus ?? 500;
}

export function authTarget(): Target<AuthCase> {
  const procs: ProcedureInfo[] = procedures();
  return {
    name: 'auth.credentials',
    weight: 6,
    // A viewer's call (or a procedure that forgets its check) may start the shop's or the tour's workers.
    startsWorkers: procs.some((p) => startsWorkers(p.path)),
    arbitrary: (env) =>
      fc.nat({ max: procs.length - 1 }).chain((procedure) =>
        fc.record({
          procedure: fc.constant(procedure),
          input: inputArbitrary(procs[procedure], env),
          credential: fc.constantFrom(...CREDENTIALS),
          junk: fc.string({ unit: 'grapheme-ascii', maxLength: 60 }),
        }),
      ),
    async run(env, c) {
      const p = procs[c.procedure];
      const res = await send(env.broker, trpcRequest(p, { input: c.input, transport: 'right' }, headersFor(env, c)));
      if (res.status === 0) return { rejected: true, summary: 'not sendable' };
      const status = effectiveStatus(res);
      if (!res.contentType.startsWith('text/event-stream')) checkTrpcAnswer(res.status, res.text, 0);
      else if (status >= 500 && status !== 503) fail(`stream error with HTTP ${status}`);
      const name = (() => {
        try {
          return (
            JSON.parse(res.contentType.startsWith('text/event-stream') ? '{}' : res.text) as {
              error?: { data?: { kafka?: { name?: string } } };
            }
          ).error?.data?.kafka?.name;
        } catch {
          return undefined;
        }
      })();
      if (c.credential === 'viewer') {
        // auth.login's 401 is about the name and password in its input (wrong ones), not the caller's token.
        if (status === 401 && p.path !== 'auth.login') fail(`a viewer's valid token was refused as unauthenticated (${p.path})`);
        if (status === 403 && name !== undefined && !/_AUTHORIZATION_FAILED$/.test(name)) fail(`403 with Kafka ${name}`);
      } else if (!PUBLIC_PROCEDURES.has(p.path) && status !== 413 && status !== 414) {
        // (413, 414: the edge refuses an oversized body or URL before anything is read or authenticated.)
        if (status !== 401) fail(`${p.path} with ${c.credential} credentials answered HTTP ${status}, not 401`);
        if (name !== undefined && name !== 'SASL_AUTHENTICATION_FAILED') fail(`401 with Kafka ${name}, not SASL_AUTHENTICATION_FAILED`);
      }
      return { ...outcomeOf(res), rejected: status >= 400 };
    },
    show: (c) => `${procs[c.procedure].path} with ${c.credential} credentials (junk ${JSON.stringify(c.junk)}) input ${showInput(c.input)}`,
  };
}
