import { expect, test, uniqueTopic } from '../fixtures';
import { TopicPage } from '../pages/topic-page';

// The console shows UTC; a browser in Los Angeles (UTC-8 in January) must not shift a typed time by 8 hours.
test.use({ timezoneId: 'America/Los_Angeles' });

test('jump to a time typed as UTC lands on the right record in a browser set to America/Los_Angeles', async ({ page, api }) => {
  const name = uniqueTopic('ui-jump');
  const t0 = Date.UTC(2026, 0, 15, 12, 0, 0);
  await api.mutate('topics.create', { name, partitions: 1 });
  // One record a minute from 12:00 UTC: offset i at 12:0i.
  await api.mutate('records.produce', {
    topic: name,
    records: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `at 12:0${i}`, timestamp: t0 + i * 60_000 })),
  });
  const topic = new TopicPage(page, name);
  await topic.goto();
  await page.getByTestId('messages-start').selectOption('timestamp');
  await expect(page.getByText('UTC', { exact: true })).toBeVisible(); // the input says which zone it means
  await topic.browse({ time: '2026-01-15T12:05' });
  await expect(topic.messageRow(0, 5)).toHaveAttribute('aria-current', 'true');
  expect(await topic.shownOffsets()).toEqual([9, 8, 7, 6, 5]);
  await expect(topic.messageRow(0, 5)).toContainText('12:05:00');
  // The URL carries the instant in ms; opening it again lands on the same record, and the input reads it back in UTC.
  expect(new URL(page.url()).searchParams.get('timestamp')).toBe(String(t0 + 5 * 60_000));
  await page.reload();
  await expect(topic.messageRow(0, 5)).toHaveAttribute('aria-current', 'true');
  await expect(page.getByTestId('messages-timestamp')).toHaveValue('2026-01-15T12:05');
});
