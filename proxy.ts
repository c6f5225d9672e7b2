import type { NextRequest } from 'next/server';
import { checkRequestOrigin, currentHostRules } from '@/server/api/edge/hosts';
import { textRefusal } from '@/server/api/edge/respond';

/**
 * Host and Origin rules for the console's pages and the plain endpoints (health, metrics). The tRPC
 * API applies the same rules in its route (with its body limit): a proxy would buffer request bodies.
 */
export function proxy(request: NextRequest) {
  const refusal = checkRequestOrigin(currentHostRules(), request);
  return refusal ? textRefusal(refusal) : undefined;
}

export const config = {
  // Not /api/trpc (see above; nor the bench's copy of it through Next, app/api/bench) nor build assets, which hold no data.
  matcher: ['/((?!api/trpc|api/bench/trpc|_next/static|_next/image).*)'],
};
