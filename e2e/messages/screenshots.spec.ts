import path from 'node:path';
import { expect, test, uniqueTopic } from '../fixtures';

const SHOTS = path.join(import.meta.dirname, '..', 'screenshots');

/** The messages tab (with a record opened) and the record page at 1280 and 390 px, light and dark, under e2e/screenshots/. */
test('screenshots of the messages tab and the record page', async ({ page, api }) => {
  const name = uniqueTopic('shop-orders');
  await api.mutate('topics.create', { name, partitions: 3 });
  await api.mutate('records.produce', {
    topic: name,
    records: [
      ...Array.from({ length: 40 }, (_, i) => ({
        key: `customer-${i % 17}`,
        value: JSON.stringify({ orderId: i, sku: ['A-1', 'B-7', 'C-3'][i % 3], qty: (i % 4) + 1 }),
        headers: [{ key: 'source', value: 'web' }],
        partition: i % 3,
      })),
      { value: 'a record without a key', partition: 0 },
      { key: 'customer-3', value: null, partition: 0 },
      { key: 'null', value: 'null', partition: 0 },
    ],
  });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width > 400 ? 900 : 844 });
      await page.goto(`/topics/${name}`);
      await page.getByTestId('messages-value-0-5').click();
      await expect(page.getByTestId('messages-detail-value-0-5')).toBeVisible();
      // A phone-length full page is too long to look at: the top of the page, then the opened record.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(SHOTS, `messages-${width}-${scheme}.png`), fullPage: width > 400 });
      if (width < 400) {
        await page.getByTestId('messages-row-0-5').scrollIntoViewIfNeeded();
        await page.evaluate(() => window.scrollBy(0, -120));
        await page.screenshot({ path: path.join(SHOTS, `messages-open-${width}-${scheme}.png`) });
      }
      await page.goto(`/topics/${name}?partition=0&offset=5`);
      await expect(page.getByTestId('messages-row-0-5')).toHaveAttribute('aria-current', 'true');
      await page.screenshot({ path: path.join(SHOTS, `messages-jump-${width}-${scheme}.png`) });
      await page.goto(`/topics/${name}/0/5`);
      await expect(page.getByTestId('record-value')).toContainText('orderId');
      await page.screenshot({ path: path.join(SHOTS, `record-${width}-${scheme}.png`), fullPage: true });
      await page.goto(`/topics/${name}/0/15`);
      await expect(page.getByTestId('record-value').getByTestId('messages-tombstone')).toBeVisible();
      await page.screenshot({ path: path.join(SHOTS, `record-tombstone-${width}-${scheme}.png`), fullPage: true });
    }
  }
});
