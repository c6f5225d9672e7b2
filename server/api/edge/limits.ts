import { type BrookEnv, brookEnv } from '@/server/env';
import { BodyBudget, maxBodyBytes } from './body';

/**
 * How much of a request body the edge reads, for whom, and for how long. A caller without credentials may
 * only call public procedures (auth.login, auth.me, auth.logout), whose inputs are small: its body is held
 * to `publicBodyBytes` and `publicTimeoutMs`, from a pool of its own, so it can never take the budget that
 * authenticated produces read from.
 */
export interface EdgeLimits {
  /** The largest body of an authenticated (or, with auth off, any) caller: BROOK_MAX_BODY_BYTES. */
  bodyBytes: number;
  /** Bodies held at once by those callers, shared fairly between principals (addresses with auth off). */
  budget: BodyBudget;
  /** The largest body of a caller without credentials (16 KiB: a login is a few hundred bytes). */
  publicBodyBytes: number;
  /** Bodies held at once by callers without credentials, shared fairly between addresses. */
  publicBudget: BodyBudget;
  /** A body that sends nothing for this long is cut with 408 (BROOK_BODY_IDLE_MS). */
  idleMs: number;
  /** A whole body must arrive within this (BROOK_BODY_TIMEOUT_MS). */
  timeoutMs: number;
  /** ... and a public call's within this. */
  publicTimeoutMs: number;
}

export const PUBLIC_BODY_BYTES = 16 * 1024;
/** 1,024 public bodies of the largest size: 16 MiB, half of it at most for one address. */
const PUBLIC_BUDGET_BYTES = 1024 * PUBLIC_BODY_BYTES;
export const DEFAULT_BODY_IDLE_MS = 10_000;
export const DEFAULT_BODY_TIMEOUT_MS = 60_000;
const PUBLIC_TIMEOUT_MS = 10_000;

export function edgeLimits(
  env: Pick<BrookEnv, 'BROOK_MAX_BODY_BYTES' | 'BROOK_BODY_IDLE_MS' | 'BROOK_BODY_TIMEOUT_MS'> = brookEnv(),
  overrides: Partial<EdgeLimits> = {},
): EdgeLimits {
  const bodyBytes = overrides.bodyBytes ?? maxBodyBytes(env);
  const publicBodyBytes = overrides.publicBodyBytes ?? Math.min(PUBLIC_BODY_BYTES, bodyBytes);
  const idleMs = overrides.idleMs ?? env.BROOK_BODY_IDLE_MS ?? DEFAULT_BODY_IDLE_MS;
  const timeoutMs = overrides.timeoutMs ?? env.BROOK_BODY_TIMEOUT_MS ?? DEFAULT_BODY_TIMEOUT_MS;
  return {
    bodyBytes,
    // Two bodies of the largest size at once (about 195 MiB by default), one at most per principal.
    budget: overrides.budget ?? new BodyBudget(2 * bodyBytes, bodyBytes),
    publicBodyBytes,
    publicBudget: overrides.publicBudget ?? new BodyBudget(PUBLIC_BUDGET_BYTES, publicBodyBytes),
    idleMs,
    timeoutMs,
    publicTimeoutMs: overrides.publicTimeoutMs ?? Math.min(PUBLIC_TIMEOUT_MS, timeoutMs),
  };
}
