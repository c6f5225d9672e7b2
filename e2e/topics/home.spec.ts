import { expect, test, uniqueTopic } from '../fixtures';

test('the home page lists topics with their partitions and watermarks', async ({ page, api }) => {
  const name = uniqueTopic('orders');
  await api.mutate('topics.create', { name, partitions: 2 });
  await api.mutate('records.produce', { topic: name, records: [{ value: 'a', partition: 1 }, { value: 'b', partition: 1 }] });
  await page.goto('/');
  const table = page.getByTestId('topics-table');
  await expect(table).toContainText(name);
  // partition 1: log start 0, high watermark 2, 2 records
  await expect(page.getByTestId(`topics-partition-${name}-1`).locator('td')).toHaveText(['', '1', '0', '2', '2']);
  await expect(page.getByTestId(`topics-partition-${name}-0`).locator('td')).toHaveText([name, '0', '0', '0', '0']);
});
