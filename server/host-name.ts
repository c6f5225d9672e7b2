/**
 * Host header, URL host or configured name → lower-case name without port (brackets kept for IPv6,
 * a trailing dot dropped); null if malformed. One home for the edge's Host rules and the environment's
 * check of BROOK_ALLOWED_HOSTS.
 */
export function hostName(host: string | null | undefined): string | null {
  if (!host) return null;
  const h = host.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(h);
  if (!m) return null;
  return m[1].endsWith('.') && m[1].length > 1 ? m[1].slice(0, -1) : m[1];
}
