import { expect, test, uniqueTopic } from '../fixtures';
import { TopicPage } from '../pages/topic-page';

test('a learner lowers segment.records on a compacted topic, compaction happens, and browsing from Oldest shows no empty page', async ({
  page,
  api,
}) => {
  const name = uniqueTopic('ui-compacted');
  await api.mutate('topics.create', { name, partitions: 1, configs: { 'cleanup.policy': 'compact' } });
  // 400 updates of 5 keys, then 60 distinct keys: once compacted, offsets 0..394 are a gap.
  await api.mutate('records.produce', {
    topic: name,
    records: [
      ...Array.from({ length: 400 }, (_, i) => ({ key: `sensor-${i % 5}`, value: `reading ${i}` })),
      ...Array.from({ length: 60 }, (_, i) => ({ key: `device-${i}`, value: `registered ${i}` })),
    ],
  });
  await api.mutate('topics.alterConfigs', { name, configs: { 'segment.records': '100' } });
  // The next maintenance pass (every 2 s here) rolls the active segment and compacts it.
  await expect.poll(async () => (await api.query('topics.get', { name })).records, { timeout: 20_000 }).toBe(65);
  const topic = new TopicPage(page, name);
  await topic.goto();
  await topic.browse({ start: 'oldest' });
  await expect(topic.messageRow(0, 395)).toHaveCount(1);
  const pages = await topic.pageAll('newer');
  for (const p of pages) expect(p.length).toBeGreaterThan(0);
  expect(pages.flat().sort((a, b) => a - b)).toEqual([395, 396, 397, 398, 399, ...Array.from({ length: 60 }, (_, i) => 400 + i)]);
});
