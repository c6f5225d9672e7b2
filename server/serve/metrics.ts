import { renderMetrics } from '@/server/broker/metrics-collect';
import { getBroker } from '@/server/runtime';

/** Prometheus scrape endpoint (kafka-lag-exporter's metric names, plus brook_* ones). */
export async function metricsResponse(): Promise<Response> {
  const { contentType, body } = await renderMetrics(await getBroker());
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}
