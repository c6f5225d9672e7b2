import { type BrookEnv, brookEnv } from '@/server/env';
import { hostName } from '@/server/host-name';

export { hostName };

import { EDGE_ERRORS, type EdgeRefusal } from './respond';

/**
 * Which Host and Origin the server answers. Until Brook has authentication, these keep a web page on
 * another site (or a DNS-rebinding name that resolves to 127.0.0.1) from driving a local broker.
 */
export interface HostRules {
  /** Lower-case host names without port; IPv6 in brackets. Empty with `any`. */
  hosts: ReadonlySet<string>;
  /** BROOK_ALLOWED_HOSTS=* : the operator checks Host elsewhere (e.g. a reverse proxy). */
  any: boolean;
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARD_BINDS = new Set(['', '0.0.0.0', '::', '[::]']);

/** Loopback names always; BROOK_ALLOWED_HOSTS (comma list) and a specific HOSTNAME the server binds to. */
export function hostRules(env: Pick<BrookEnv, 'BROOK_ALLOWED_HOSTS' | 'HOSTNAME'>): HostRules {
  const configured = env.BROOK_ALLOWED_HOSTS ?? [];
  if (configured.includes('*')) return { hosts: new Set(), any: true };
  const names = [...LOOPBACK, ...configured];
  const bind = env.HOSTNAME ?? '';
  if (!WILDCARD_BINDS.has(bind)) names.push(bind.includes(':') && !bind.startsWith('[') ? `[${bind}]` : bind);
  return { hosts: new Set(names.map((n) => hostName(n)).filter((n): n is string => n !== null)), any: false };
}

let cached: { env: BrookEnv; rules: HostRules } | null = null;
/** Rules from this process's environment (brookEnv returns a new value only when a variable changes, e.g. in tests). */
export function currentHostRules(): HostRules {
  const env = brookEnv();
  if (cached?.env !== env) cached = { env, rules: hostRules(env) };
  return cached.rules;
}

const allowed = (rules: HostRules, name: string | null) => rules.any || (name !== null && rules.hosts.has(name));

/** A request whose Host is not one of ours: 421 (the name reached a server that does not serve it). */
export function checkHost(rules: HostRules, host: string | null): EdgeRefusal | null {
  const name = hostName(host);
  if (allowed(rules, name)) return null;
  const shown = name ?? (host ?? '').slice(0, 100);
  return {
    status: 421,
    trpcCode: 'FORBIDDEN',
    kafka: EDGE_ERRORS.CLUSTER_AUTHORIZATION_FAILED,
    message: `Brook does not serve the host ${JSON.stringify(shown)}. Add it to BROOK_ALLOWED_HOSTS (comma-separated; any port) to allow it.`,
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A state-changing request from a page of another site: its Origin is not an allowed host, or the
 * browser says cross-site. Requests without either (curl, the client library) are not browsers'.
 */
export function checkOrigin(
  rules: HostRules,
  req: { method: string; origin: string | null; secFetchSite: string | null },
): EdgeRefusal | null {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return null;
  let reason: string | null = null;
  if (req.secFetchSite?.toLowerCase() === 'cross-site') reason = 'the browser marked it cross-site';
  else if (req.origin !== null) {
    let name: string | null = null;
    try {
      name = req.origin === 'null' ? null : hostName(new URL(req.origin).host);
    } catch {
      name = null;
    }
    if (!allowed(rules, name)) reason = `its Origin ${JSON.stringify(req.origin.slice(0, 100))} is not an allowed host`;
  }
  if (!reason) return null;
  return {
    status: 403,
    trpcCode: 'FORBIDDEN',
    kafka: EDGE_ERRORS.CLUSTER_AUTHORIZATION_FAILED,
    message: `Cross-origin request refused: ${reason}. Brook accepts changes only from its own console or from clients that send no Origin.`,
  };
}

/** Both checks for one request. */
export function checkRequestOrigin(rules: HostRules, req: Request): EdgeRefusal | null {
  return (
    checkHost(rules, req.headers.get('host')) ??
    checkOrigin(rules, { method: req.method, origin: req.headers.get('origin'), secFetchSite: req.headers.get('sec-fetch-site') })
  );
}
