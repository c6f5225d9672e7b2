import { type NextRequest, NextResponse } from 'next/server';
import { forwardedHttps, sessionCookieName } from '@/server/api/edge/forwarded';
import { checkRequestOrigin, currentHostRules } from '@/server/api/edge/hosts';
import { textRefusal } from '@/server/api/edge/respond';
import { getBroker } from '@/server/runtime';

/** Paths a visitor without a session may load: the login page and what it needs (the API answers 401 itself). */
const OPEN_PATHS = ['/login', '/icon.svg', '/favicon.ico', '/robots.txt'];
const isOpen = (path: string) => OPEN_PATHS.includes(path) || path.startsWith('/api/') || path.startsWith('/_next/');

/**
 * With auth on, a page asked for without a valid session goes to /login, which comes back here after. Before
 * any rendering, so no page renders half its data; and for client-side navigations too (their server
 * requests pass here), so a session that ends while a page is open ends at the next click.
 */
async function loginRedirect(request: NextRequest): Promise<NextResponse | undefined> {
  const url = request.nextUrl;
  if (isOpen(url.pathname)) return undefined;
  try {
    const broker = await getBroker();
    if (broker.auth.mode !== 'on') return undefined;
    const secure = request.nextUrl.protocol === 'https:' || forwardedHttps(request.headers);
    const secret = request.cookies.get(sessionCookieName(secure))?.value;
    if (secret && (await broker.auth.session(secret))) return undefined;
  } catch {
    return undefined; // the database is away: the page renders its own error, and no data without a session
  }
  const back = new URL(url);
  back.searchParams.delete('_rsc'); // Next's cache key for client navigations, not part of the address
  const login = new URL('/login', url);
  login.searchParams.set('next', `${back.pathname}${back.search}`);
  return NextResponse.redirect(login);
}

/**
 * Host and Origin rules for the console's pages and the plain endpoints (health, metrics), then the login
 * gate for pages. The tRPC API applies the same rules in its route (with its body limit): a proxy would
 * buffer request bodies.
 */
export async function proxy(request: NextRequest) {
  const refusal = checkRequestOrigin(currentHostRules(), request);
  if (refusal) return textRefusal(refusal);
  return loginRedirect(request);
}

export const config = {
  // Not /api/trpc (see above; nor the bench's copy of it through Next, app/api/bench) nor build assets, which hold no data.
  matcher: ['/((?!api/trpc|api/bench/trpc|_next/static|_next/image).*)'],
};
