import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerToken } from '@/server/api/edge/credentials';
import type { Broker } from '@/server/broker';
import { renderMetrics } from '@/server/broker/metrics-collect';
import { brookEnv } from '@/server/env';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** BROOK_METRICS_TOKEN, compared in constant time (as digests, so its length is not told either). */
function isMetricsToken(presented: string): boolean {
  const expected = brookEnv().BROOK_METRICS_TOKEN;
  return expected !== undefined && timingSafeEqual(sha256(presented), sha256(expected));
}

/**
 * Prometheus scrape endpoint (kafka-lag-exporter's metric names, plus brook_* ones). With auth on it
 * needs `Authorization: Bearer` with an API token of any role, or exactly BROOK_METRICS_TOKEN.
 */
export async function metricsResponse(headers: Headers, broker: Broker): Promise<Response> {
  if (broker.auth.mode === 'on') {
    const token = bearerToken(headers);
    const allowed = token ? isMetricsToken(token) || (token.length <= 256 && (await broker.auth.bearer(token)) !== null) : false;
    if (!allowed)
      return new Response('Metrics need Authorization: Bearer <token> (an API token, or BROOK_METRICS_TOKEN).\n', {
        status: 401,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="brook"', 'cache-control': 'no-store' },
      });
  }
  const { contentType, body } = await renderMetrics(broker);
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}
