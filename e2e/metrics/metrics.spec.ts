import { parsePrometheusText as parse } from '../../server/broker/metrics-text';
import { expect, test, uniqueTopic } from '../fixtures';

test('/api/metrics exports the lag that groups.describe reports', async ({ request, api }) => {
  const topic = uniqueTopic('metrics');
  const groupId = uniqueTopic('metrics-group');
  await api.mutate('topics.create', { name: topic, partitions: 3 });
  await api.mutate('records.produce', { topic, records: Array.from({ length: 90 }, (_, i) => ({ value: String(i), partition: i % 3 })) });
  await api.mutate('groups.commit', {
    groupId,
    offsets: [
      { topic, partition: 0, offset: 10 },
      { topic, partition: 1, offset: 30 },
      { topic, partition: 2, offset: 0 },
    ],
  });
  const res = await request.get('/api/metrics');
  expect(res.ok()).toBe(true);
  expect(res.headers()['content-type']).toContain('text/plain');
  const metrics = parse(await res.text());
  const d = await api.query('groups.describe', { groupId });
  expect(d.lag.totalLag).toBe(20 + 0 + 30);
  for (const p of d.lag.partitions) {
    const labels = `group="${groupId}",partition="${p.partition}",topic="${topic}"`;
    expect(metrics.get(`kafka_consumergroup_group_lag{${labels}}`), labels).toBe(p.lag);
    expect(metrics.get(`kafka_consumergroup_group_offset{${labels}}`)).toBe(p.committedOffset);
    expect(metrics.get(`kafka_partition_latest_offset{partition="${p.partition}",topic="${topic}"}`)).toBe(p.logEndOffset);
  }
  expect(metrics.get(`kafka_consumergroup_group_sum_lag{group="${groupId}"}`)).toBe(d.lag.totalLag);
  expect(metrics.get(`kafka_consumergroup_group_max_lag{group="${groupId}"}`)).toBe(d.lag.maxLag);
  expect(metrics.get('brook_instances_alive')).toBeGreaterThanOrEqual(1);
  expect(metrics.get(`brook_produced_records_total{topic="${topic}"}`)).toBe(90);

  const health = await request.get('/api/health');
  expect(health.status()).toBe(200);
  expect((await health.json()).migrations.current).toBe(true);
});
