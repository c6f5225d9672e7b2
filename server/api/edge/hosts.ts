import { type BrookEnv, brookEnv } from '@/server/env';
import { hostName } from '@/server/host-name';

export { hostName };

import { forwardedHttps, SESSION_COOKIE } from './forwarded';
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
  /** Origins from BROOK_ALLOWED_HOSTS entries written with a port, over http and https. */
  origins: ReadonlySet<string>;
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARD_BINDS = new Set(['', '0.0.0.0', '::', '[::]']);

/** Loopback names always; BROOK_ALLOWED_HOSTS (comma list) and a specific HOSTNAME the server binds to. */
export function hostRules(env: Pick<BrookEnv, 'BROOK_ALLOWED_HOSTS' | 'HOSTNAME'>): HostRules {
  const configured = env.BROOK_ALLOWED_HOSTS ?? [];
  const origins = new Set(
    configured
      .filter((h) => h !== '*' && /:\d+$/.test(h.trim()))
      .flatMap((h) => [webOrigin(`http://${h.trim()}`), webOrigin(`https://${h.trim()}`)])
      .filter((o): o is string => o !== null),
  );
  if (configured.includes('*')) return { hosts: new Set(), any: true, origins };
  const names = [...LOOPBACK, ...configured];
  const bind = env.HOSTNAME ?? '';
  if (!WILDCARD_BINDS.has(bind)) names.push(bind.includes(':') && !bind.startsWith('[') ? `[${bind}]` : bind);
  return { hosts: new Set(names.map((n) => hostName(n)).filter((n): n is string => n !== null)), any: false, origins };
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

/** What the Origin rules read from one request. */
export interface OriginFacts {
  method: string;
  origin: string | null;
  secFetchSite: string | null;
  /** The Host header: with the scheme it names Brook's own origin as this client reached it. */
  host: string | null;
  /** Served over TLS, or a proxy in front says https (X-Forwarded-Proto). */
  secure: boolean;
  /**
   * The session cookie came, and no Authorization header: the browser's ambient credential decides who
   * calls, and a forged request would carry it too (sessionCookieSent).
   */
  cookie: boolean;
}

/** `scheme://host[:port]` as browsers send it in Origin (default ports dropped); null if not a web origin. */
export function webOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * The origins a change may come from: Brook's own, as the Host header names it over the scheme the request
 * came on (both schemes behind a proxy that says https), and any BROOK_ALLOWED_HOSTS entry written with a
 * port (`brook.example:443` allows http(s)://brook.example:443). An entry without a port names a Host only,
 * never another origin: a page on another port of the same host is another origin, and a browser sends it
 * the same cookies.
 */
export function ownOrigins(rules: HostRules, facts: Pick<OriginFacts, 'host' | 'secure'>): Set<string> {
  const origins = new Set<string>();
  const host = facts.host?.trim();
  if (host && hostName(host) !== null) {
    for (const scheme of facts.secure ? ['https', 'http'] : ['http']) {
      const o = webOrigin(`${scheme}://${host}`);
      if (o) origins.add(o);
    }
  }
  for (const entry of rules.origins) origins.add(entry);
  return origins;
}

/**
 * A state-changing request from another origin. Origin, when sent, must be one of ownOrigins (scheme, host
 * and port). Without Origin, Sec-Fetch-Site decides: `cross-site` and `same-site` (another port or
 * subdomain) are refused, and a request carrying a cookie must say `same-origin`; one with neither header
 * and a cookie is refused too (a browser sends at least one of them on a POST). Requests with neither and
 * no cookie (curl, the client library with a bearer token) are not a browser's and hold no ambient
 * credential.
 */
export function checkOrigin(rules: HostRules, req: OriginFacts): EdgeRefusal | null {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return null;
  const site = req.secFetchSite?.toLowerCase() ?? null;
  let reason: string | null = null;
  if (site === 'cross-site' || site === 'same-site') reason = `the browser marked it ${site}`;
  else if (req.origin !== null) {
    const origin = req.origin === 'null' ? null : webOrigin(req.origin);
    if (origin === null || !ownOrigins(rules, req).has(origin))
      reason = `its Origin ${JSON.stringify(req.origin.slice(0, 100))} is not Brook's own (scheme, host and port)`;
  } else if (req.cookie && site !== 'same-origin') reason = 'it carries a cookie but neither Origin nor Sec-Fetch-Site: same-origin';
  if (!reason) return null;
  return {
    status: 403,
    trpcCode: 'FORBIDDEN',
    kafka: EDGE_ERRORS.CLUSTER_AUTHORIZATION_FAILED,
    message: `Cross-origin request refused: ${reason}. Brook accepts changes only from its own console or from clients that send no Origin.`,
  };
}

const SESSION_COOKIE_PAIR = new RegExp(`(?:^|;)\\s*(?:__Host-)?${SESSION_COOKIE}=`);

/** The request's credential would be the session cookie: a Cookie header holding it, and no bearer token. */
export const sessionCookieSent = (cookie: string | null | undefined, authorization: string | null | undefined) =>
  !authorization && !!cookie && SESSION_COOKIE_PAIR.test(cookie);

/** Both checks for one web Request (pages through Next's proxy, the in-process and reference routes). */
export function checkRequestOrigin(rules: HostRules, req: Request): EdgeRefusal | null {
  const h = req.headers;
  return (
    checkHost(rules, h.get('host')) ??
    checkOrigin(rules, {
      method: req.method,
      origin: h.get('origin'),
      secFetchSite: h.get('sec-fetch-site'),
      host: h.get('host'),
      secure: new URL(req.url).protocol === 'https:' || forwardedHttps(h),
      cookie: sessionCookieSent(h.get('cookie'), h.get('authorization')),
    })
  );
}
