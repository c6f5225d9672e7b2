import { expect, test, uniqueTopic } from '../fixtures';
import { TopicPage } from '../pages/topic-page';

test('a missing key, a tombstone and the text "null" each look different, in the table, the detail and the permalink', async ({
  page,
  api,
}) => {
  const name = uniqueTopic('ui-null');
  await api.mutate('topics.create', { name, partitions: 1 });
  await api.mutate('records.produce', {
    topic: name,
    records: [
      { value: 'no key here' }, // offset 0: key null
      { key: 'gone', value: null }, // offset 1: tombstone
      { key: 'null', value: 'null' }, // offset 2: the text "null"
    ],
  });
  const topic = new TopicPage(page, name);
  await topic.goto();
  await expect(topic.messageRow(0, 0).getByTestId('messages-no-key')).toHaveText('no key');
  await expect(topic.messageRow(0, 0).getByTestId('messages-tombstone')).toHaveCount(0);
  await expect(topic.messageRow(0, 1).getByTestId('messages-tombstone')).toHaveText('tombstone');
  await expect(topic.messageRow(0, 1).getByTestId('messages-no-key')).toHaveCount(0);
  await expect(page.getByTestId('messages-key-0-2')).toHaveText('null');
  await expect(page.getByTestId('messages-value-0-2')).toHaveText('null');
  await expect(topic.messageRow(0, 2).locator('.badge')).toHaveCount(0);

  await page.getByTestId('messages-value-0-1').click();
  await expect(page.getByTestId('messages-detail-value-0-1').getByTestId('messages-tombstone')).toBeVisible();

  await page.goto(`/topics/${name}/0/0`);
  await expect(page.getByTestId('record-key').getByTestId('messages-no-key')).toBeVisible();
  await expect(page.getByTestId('record-value')).toHaveText('no key here');
  await page.goto(`/topics/${name}/0/1`);
  await expect(page.getByTestId('record-value').getByTestId('messages-tombstone')).toBeVisible();
  await expect(page.getByTestId('record-key')).toHaveText('gone');
  await page.goto(`/topics/${name}/0/2`);
  await expect(page.getByTestId('record-value')).toHaveText('null');
  await expect(page.getByTestId('record-detail').locator('.badge')).toHaveCount(0);
});

test('a negative or empty start offset is refused with a message and nothing is fetched', async ({ page, api }) => {
  const name = uniqueTopic('ui-offset');
  await api.mutate('topics.create', { name, partitions: 1 });
  await api.mutate('records.produce', { topic: name, records: Array.from({ length: 5 }, (_, i) => ({ value: `v${i}` })) });
  const topic = new TopicPage(page, name);
  await topic.goto();
  await page.getByTestId('messages-start').selectOption('offset');
  await expect(page.getByTestId('messages-start-error')).toHaveText('Enter an offset (0 or more).');
  await expect(page.getByTestId('messages-go')).toBeDisabled();
  const browses: string[] = [];
  page.on('request', (r) => r.url().includes('records.browse') && browses.push(r.url()));
  await page.getByTestId('messages-offset').fill('-3');
  await expect(page.getByTestId('messages-offset')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('messages-start-error')).toHaveText('Offset must be a whole number, 0 or more.');
  await expect(page.getByTestId('messages-go')).toBeDisabled();
  await page.getByTestId('messages-offset').press('Enter');
  expect(browses).toEqual([]);
  expect(new URL(page.url()).searchParams.get('offset')).toBeNull();
  // The API refuses it too, with Kafka's error name.
  const res = await page.request.get(
    `/api/trpc/records.browse?input=${encodeURIComponent(JSON.stringify({ topic: name, start: { offset: -3 } }))}`,
  );
  expect(res.status()).toBe(400);
  expect(JSON.stringify(await res.json())).toContain('OFFSET_OUT_OF_RANGE');
  await page.getByTestId('messages-offset').fill('3');
  await expect(page.getByTestId('messages-start-error')).toHaveCount(0);
  await page.getByTestId('messages-go').click();
  await expect(topic.messageRow(0, 3)).toHaveAttribute('aria-current', 'true');
  expect(await topic.shownOffsets()).toEqual([4, 3]);
});
