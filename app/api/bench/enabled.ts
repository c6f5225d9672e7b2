import { brookEnv } from '@/server/env';

/**
 * The benchmark's reference routes (npm run bench) measure what a request costs through a Next.js
 * route handler, next to the same work served by server/main.ts directly. They exist only with
 * BROOK_BENCH_ROUTES=1; otherwise they answer 404 like any unknown path.
 */
export const benchRoutesEnabled = () => brookEnv().BROOK_BENCH_ROUTES === true;

export const notFound = () => new Response('Not found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
