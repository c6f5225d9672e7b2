import { type AuthMode, type Permission, type Role, roleAllows } from '@/server/kernel/auth-types';

/** What the console knows about its caller: `auth.me`'s answer (a plain module: server pages read it too). */
export interface Me {
  mode: AuthMode;
  principal: { name: string; kind: 'user' | 'token' | 'anonymous'; role: Role; hidePayloads: boolean } | null;
}

/** With auth off or none everyone is an admin; with auth on, the principal's role decides. */
export function meAllows(me: Me, permission: Permission): boolean {
  if (me.mode !== 'on') return true;
  return me.principal !== null && roleAllows(me.principal.role, permission);
}

/**
 * Where to go after logging in: a path on this site only. `//evil.example` and `/\evil.example` are
 * other sites to a browser, so anything but a plain absolute path becomes `/`.
 */
export function safeNext(next: string | string[] | undefined | null): string {
  const n = Array.isArray(next) ? next[0] : next;
  if (!n?.startsWith('/') || n.startsWith('//') || n.startsWith('/\\') || [...n].some((c) => c.charCodeAt(0) < 32)) return '/';
  if (n === '/login' || n.startsWith('/login?') || n.startsWith('/login/')) return '/';
  return n;
}

/** What went wrong, in words for the person at the form (the server's 429 text says when to retry). */
export function loginErrorMessage(error: unknown): string {
  const e = error as { message?: string; data?: { code?: string; httpStatus?: number } } | null;
  if (!e) return '';
  if (e.data?.code === 'UNAUTHORIZED') return 'Wrong user name or password.';
  // The server's text says for how long (`try again in 840 s`).
  if (e.data?.code === 'TOO_MANY_REQUESTS') return e.message ?? 'Too many failed logins: try again later.';
  if (e.data?.code === 'BAD_REQUEST') return 'Enter a user name and a password.';
  return e.message ?? 'Could not log in.';
}
