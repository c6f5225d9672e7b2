import path from 'node:path';
import { Brook, type Consumer } from '../../server/client';
import { expect, test, uniqueTopic } from '../fixtures';

test.describe.configure({ timeout: 180_000 });

const SHOTS = path.join(import.meta.dirname, '..', 'screenshots');

/** Every page at 1280 and 390 px, light and dark, saved under e2e/screenshots/ (looked at, not compared). */
test('screenshots of every page, light and dark, 1280 and 390 px', async ({ browser, api, baseURL, pageErrors }) => {
  pageErrors.allow(/Failed to load resource: the server responded with a status of 404/); // the not-found page
  const topic = uniqueTopic('shop-orders');
  const groupId = uniqueTopic('shop-inventory');
  await api.mutate('topics.create', { name: topic, partitions: 3, configs: { 'retention.ms': 86_400_000, 'segment.records': 50 } });
  await api.mutate('records.produce', {
    topic,
    records: Array.from({ length: 120 }, (_, i) => ({
      key: `customer-${i % 17}`,
      value: JSON.stringify({ orderId: i, sku: ['A-1', 'B-7', 'C-3'][i % 3], qty: (i % 4) + 1 }),
      headers: [{ key: 'source', value: 'web' }],
    })),
  });
  const consumer: Consumer = new Brook({ url: baseURL!, clientId: 'screenshots' }).consumer({ groupId, heartbeatInterval: 500 });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ autoCommitInterval: 300, eachMessage: () => new Promise((r) => setTimeout(r, 40)) });
  await new Promise((r) => setTimeout(r, 4000)); // a few lag samples
  const pages: Array<[string, string]> = [
    ['overview', '/'],
    ['topics', '/topics'],
    ['topic-messages', `/topics/${topic}`],
    ['topic-partitions', `/topics/${topic}?tab=partitions`],
    ['topic-consumers', `/topics/${topic}?tab=consumers`],
    ['topic-configs', `/topics/${topic}?tab=configs`],
    ['topic-produce', `/topics/${topic}?tab=produce`],
    ['record', `/topics/${topic}/0/0`],
    ['groups', '/groups'],
    ['group', `/groups/${groupId}`],
    ['not-found', '/topics/no-such-topic'],
  ];
  try {
    for (const [width, size] of [
      [1280, 'wide'],
      [390, 'narrow'],
    ] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        const ctx = pageErrors.watchContext(
          await browser.newContext({ colorScheme: scheme, viewport: { width, height: width > 500 ? 900 : 844 } }),
        );
        const page = await ctx.newPage();
        for (const [name, url] of pages) {
          await page.goto(url);
          await page.waitForLoadState('networkidle');
          await expect(page.locator('main h1')).toBeVisible();
          await page.screenshot({ path: path.join(SHOTS, `${name}-${size}-${scheme}.png`), fullPage: true });
        }
        await ctx.close();
      }
    }
  } finally {
    await consumer.disconnect();
  }
});

test('keyboard: skip link, then the main navigation', async ({ page }) => {
  await page.goto('/');
  await page.keyboard.press('Tab');
  await expect(page.getByText('Skip to content')).toBeFocused();
  await page.keyboard.press('Tab'); // brand
  await page.keyboard.press('Tab'); // Overview
  await page.keyboard.press('Tab'); // Topics
  await expect(page.getByRole('link', { name: 'Topics', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/topics$/);
});

test('theme toggle switches to dark and back', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('theme-toggle').click();
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /.+/);
});
