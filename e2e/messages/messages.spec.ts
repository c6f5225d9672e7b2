import { expect, test, uniqueTopic } from '../fixtures';
import { TopicPage } from '../pages/topic-page';

test('produce a JSON record in the UI and find it in the message browser at the offset returned', async ({ page, api }) => {
  const name = uniqueTopic('ui-produce');
  await api.mutate('topics.create', { name, partitions: 3 });
  await api.mutate('records.produce', {
    topic: name,
    records: [
      { value: 'before', partition: 1 },
      { value: 'before', partition: 1 },
    ],
  });
  const topic = new TopicPage(page, name);
  await topic.goto('produce');
  await page.getByTestId('produce-value').fill('{ not json');
  await expect(page.getByTestId('produce-json-error')).toBeVisible();
  await expect(page.getByTestId('produce-submit')).toBeDisabled();
  const { partition, offset } = await topic.produce({ key: 'order-42', value: '{"orderId":42,"items":["book","pen"]}', partition: 1 });
  expect([partition, offset]).toEqual([1, 2]);

  await topic.goto('messages', `&partition=${partition}&offset=${offset}`);
  const row = topic.messageRow(partition, offset);
  await expect(row).toContainText('order-42');
  await page.getByTestId(`messages-value-${partition}-${offset}`).click();
  await expect(page.getByTestId(`messages-detail-value-${partition}-${offset}`)).toHaveText(
    JSON.stringify({ orderId: 42, items: ['book', 'pen'] }, null, 2),
  );
  // The permalink shows the same record.
  await row.getByRole('link', { name: String(offset) }).click();
  await expect(page).toHaveURL(new RegExp(`/topics/${name}/${partition}/${offset}$`));
  await expect(page.getByTestId('record-key')).toHaveText('order-42');
});

test('page through 5,000 records by offset', async ({ page, api }) => {
  const name = uniqueTopic('ui-paging');
  await api.mutate('topics.create', { name, partitions: 1 });
  for (let i = 0; i < 5000; i += 1000) {
    await api.mutate('records.produce', {
      topic: name,
      records: Array.from({ length: 1000 }, (_, j) => ({ key: `k${i + j}`, value: `record ${i + j}` })),
    });
  }
  const topic = new TopicPage(page, name);
  await topic.goto();
  // Newest first page: the last 50, newest at the top.
  const desc = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + n - 1 - i);
  expect(await topic.shownOffsets()).toEqual(desc(4950, 50));
  await expect(page.getByTestId('messages-order')).toHaveText('Newest first');
  await expect(page.getByTestId('messages-newer')).toBeDisabled();
  await topic.browse({ partition: 0, start: 'oldest' });
  await expect(topic.messageRow(0, 0)).toBeVisible();
  expect(await topic.shownOffsets()).toEqual(desc(0, 50));
  await topic.browse({ start: 'offset', offset: 4000 });
  await expect(topic.messageRow(0, 4000)).toBeVisible();
  await page.getByTestId('messages-newer').click();
  await expect(topic.messageRow(0, 4050)).toBeVisible();
  expect(await topic.shownOffsets()).toEqual(desc(4050, 50));
  await page.getByTestId('messages-older').click();
  await expect(topic.messageRow(0, 4000)).toBeVisible();
  await page.getByTestId('messages-older').click();
  await expect(topic.messageRow(0, 3950)).toBeVisible();
  expect(await topic.shownOffsets()).toEqual(desc(3950, 50));
  await topic.browse({ start: 'offset', offset: 4990 });
  await expect(topic.messageRow(0, 4999)).toBeVisible();
  expect(await topic.shownOffsets()).toEqual(desc(4990, 10));
  await expect(page.getByTestId('messages-newer')).toBeDisabled();
});

test('filter by key', async ({ page, api }) => {
  const name = uniqueTopic('ui-filter');
  await api.mutate('topics.create', { name, partitions: 2 });
  await api.mutate('records.produce', {
    topic: name,
    records: Array.from({ length: 300 }, (_, i) => ({ key: `${i % 3 === 0 ? 'alpha' : 'beta'}-${i}`, value: `value for ${i}` })),
  });
  const topic = new TopicPage(page, name);
  await topic.goto();
  await topic.browse({ start: 'oldest', filter: 'alpha-12', field: 'key' });
  const keys = page.getByTestId('messages-table').locator('tbody tr td:nth-child(4)');
  await expect(keys).toHaveCount(5);
  expect((await keys.allInnerTexts()).sort()).toEqual(['alpha-12', 'alpha-120', 'alpha-123', 'alpha-126', 'alpha-129']);
  // A value match is not a key match.
  await topic.browse({ filter: 'value for 12', field: 'key' });
  await expect(page.getByTestId('messages-empty')).toBeVisible();
});

test('live tail shows a record produced through the API while the page is open, and pauses', async ({ page, api }) => {
  const name = uniqueTopic('ui-live');
  await api.mutate('topics.create', { name, partitions: 4 });
  const topic = new TopicPage(page, name);
  await topic.goto();
  await page.getByTestId('messages-live-toggle').click();
  await expect(page.getByTestId('messages-live-status')).toContainText('Live');
  const [r] = (await api.mutate('records.produce', { topic: name, records: [{ key: 'live-1', value: 'arrived while watching' }] })).results;
  await expect(page.getByTestId('messages-live-table').getByTestId(`messages-row-${r.partition}-${r.offset}`)).toContainText(
    'arrived while watching',
  );
  await page.getByTestId('messages-live-pause').click();
  await expect(page.getByTestId('messages-live-status')).toHaveText('Paused');
  const [r2] = (
    await api.mutate('records.produce', { topic: name, records: [{ key: 'live-2', value: 'while paused', partition: r.partition }] })
  ).results;
  await page.waitForTimeout(500);
  await expect(page.getByTestId(`messages-row-${r2.partition}-${r2.offset}`)).toHaveCount(0);
  await page.getByTestId('messages-live-pause').click(); // resume: it picks up where it paused
  await expect(page.getByTestId('messages-live-table').getByTestId(`messages-row-${r2.partition}-${r2.offset}`)).toContainText(
    'while paused',
  );
});

test('a payload that looks like HTML renders as text and runs nothing', async ({ page, api }) => {
  const name = uniqueTopic('ui-xss');
  const evil = '<img src=x onerror="window.__xss=1">';
  await api.mutate('topics.create', { name, partitions: 1 });
  await api.mutate('records.produce', { topic: name, records: [{ key: evil, value: evil, headers: [{ key: 'h', value: evil }] }] });
  const topic = new TopicPage(page, name);
  await topic.goto();
  await expect(topic.messageRow(0, 0)).toContainText(evil);
  await page.getByTestId('messages-value-0-0').click();
  await expect(page.getByTestId('messages-detail-value-0-0')).toHaveText(evil);
  await page.goto(`/topics/${name}/0/0`);
  await expect(page.getByTestId('record-value')).toHaveText(evil);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
});
