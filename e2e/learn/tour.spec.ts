import path from 'node:path';
import { expect, test } from '../fixtures';
import { LearnPage } from '../pages/learn-page';

const SHOTS = path.join(import.meta.dirname, '..', 'screenshots');
/** The sticky header would cover the step scrolled to; in a picture of one step it is not wanted. */
const STATIC_HEADER = '.app-header { position: static !important; }';

test.describe.configure({ timeout: 180_000 });

test('the tour loads with every step and no page error; a key always lands on the partition the widget shows', async ({ page }) => {
  const learn = new LearnPage(page);
  await learn.goto();
  for (const id of LearnPage.STEPS) await expect(learn.step(id)).toBeVisible();
  const p = await learn.partitionOf('customer-42');
  const sent = await learn.sendKey();
  expect(sent.partition).toBe(p);
  const again = await learn.sendKey();
  expect(again).toEqual({ partition: p, offset: sent.offset + 1 });
  // Another key, then the first again: same partition as before.
  await learn.partitionOf('someone-else');
  expect(await learn.partitionOf('customer-42')).toBe(p);
  await expect(page.getByTestId('learn-key-history')).toContainText('customer-42');
});

test('+ consumer changes the assignment; − consumer gives the partitions back', async ({ page }) => {
  const learn = new LearnPage(page);
  await learn.goto();
  await expect(page.getByTestId('learn-group-add')).toBeEnabled();
  await page.getByTestId('learn-group-add').click();
  // One member: it owns all three partitions.
  await expect.poll(() => learn.distinctOwners(), { timeout: 20_000 }).toBe(1);
  await page.getByTestId('learn-group-add').click();
  // Two members: the partitions are shared, each owner owns some.
  await expect.poll(() => learn.distinctOwners(), { timeout: 20_000 }).toBe(2);
  await expect(page.getByTestId('learn-group-member')).toHaveCount(2);
  await page.getByTestId('learn-group-produce').click();
  await expect(page.getByTestId('learn-group-lag-0')).toContainText(/lag \d/);
  await page.getByTestId('learn-group-remove').click();
  await page.getByTestId('learn-group-remove').click();
  await expect(page.getByTestId('learn-group-member')).toHaveCount(0, { timeout: 20_000 });
});

test('screenshots of every step, light and dark, 1280 and 390 px', async ({ browser, pageErrors, api }) => {
  await api.mutate('learn.start', {});
  await api.mutate('learn.addConsumer', {});
  await api.mutate('records.produce', {
    topic: 'learn.scratch',
    records: Array.from({ length: 40 }, (_, i) => ({ key: ['alice', 'bob', 'carol', 'dave'][i % 4], value: `message ${i}` })),
  });
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
        const learn = new LearnPage(page);
        await learn.goto();
        await learn.partitionOf('customer-42');
        // Each widget with an answer on it, as a learner sees it after trying.
        await page.getByTestId('learn-producer-send').click();
        await expect(page.getByTestId('learn-producer-result')).toBeVisible();
        await page.getByTestId('learn-consumer-read').click();
        await expect(page.getByTestId('learn-consumer-records')).toBeVisible();
        await learn.sendKey();
        await page.getByTestId('learn-offsets-send').click();
        await expect(page.getByTestId('learn-offsets-result')).toBeVisible();
        await page.screenshot({ path: path.join(SHOTS, `learn-${size}-${scheme}.png`), fullPage: true, style: STATIC_HEADER });
        for (const id of LearnPage.STEPS) {
          await learn.step(id).screenshot({ path: path.join(SHOTS, `learn-${id}-${size}-${scheme}.png`), style: STATIC_HEADER });
        }
        await ctx.close();
      }
    }
  } finally {
    await api.mutate('learn.removeConsumer', {});
  }
});

test('a short retention.ms drops the old segments: the partition starts at a later offset', async ({ page, api }) => {
  await api.mutate('learn.start', {});
  // Two closed segments of five records (segment.records is 5) and an active one, all on partition 0.
  await api.mutate('records.produce', {
    topic: 'learn.scratch',
    records: Array.from({ length: 12 }, (_, i) => ({ value: `old ${i}`, partition: 0 })),
  });
  const learn = new LearnPage(page);
  await learn.goto();
  const start = page.getByTestId('learn-segments-0').getByTestId('learn-segments-start');
  await expect(start).toHaveText('0');
  await page.getByTestId('learn-retention-short').click();
  await expect(page.getByTestId('learn-retention-value')).toHaveText('20 s');
  // Maintenance runs every 2 s in tests; a closed segment goes once its newest record is 20 s old.
  await expect.poll(async () => Number(await start.textContent()), { timeout: 60_000 }).toBeGreaterThanOrEqual(10);
  await page.getByTestId('learn-retention-long').click();
  await expect(page.getByTestId('learn-retention-value')).toHaveText('10 min');
});
