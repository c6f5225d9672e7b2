import type { Locator } from '@playwright/test';
import { expect, test, uniqueTopic } from '../fixtures';

test.use({ viewport: { width: 390, height: 844 } });

/** Within the screen's width (whatever the vertical scroll), so reachable without sideways scrolling. */
async function expectWithinWidth(locator: Locator) {
  const box = await locator.boundingBox();
  expect(box, 'visible').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
}

/** At 390 px every page fits the screen (no sideways scrolling) and its actions can be used. */
test('topics, overview, partitions, configs and produce fit 390 px; Edit and Produce work there', async ({ page, api }) => {
  const topic = uniqueTopic('narrow-orders-with-a-long-name');
  await api.mutate('topics.create', { name: topic, partitions: 3, configs: { 'retention.ms': 86_400_000 } });
  await api.mutate('records.produce', {
    topic,
    records: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ i }) })),
  });
  await api.mutate('groups.commit', { groupId: uniqueTopic('narrow-group'), offsets: [{ topic, partition: 0, offset: 1 }] });

  const fits = async (url: string) => {
    await page.goto(url);
    await expect(page.locator('main h1')).toBeVisible();
    await page.waitForLoadState('networkidle');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${url} scrollWidth`).toBeLessThanOrEqual(390);
    // Nothing inside a sideways-scrolling box either: every table fits its own box.
    const clipped = await page.evaluate(() =>
      [...document.querySelectorAll('main *')]
        .filter(
          (el) =>
            el.scrollWidth > el.clientWidth + 1 &&
            ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) &&
            !el.matches('pre, textarea'),
        )
        .map((el) => `${el.tagName}.${el.className}`),
    );
    expect(clipped, `${url}: boxes that scroll sideways`).toEqual([]);
  };
  for (const url of [
    '/',
    '/topics',
    `/topics/${topic}?tab=partitions`,
    `/topics/${topic}?tab=consumers`,
    `/topics/${topic}?tab=configs`,
    `/topics/${topic}?tab=produce`,
  ])
    await fits(url);

  // Every tab is on screen (they wrap instead of hiding past the edge).
  for (const tab of ['messages', 'partitions', 'consumers', 'configs', 'produce'])
    await expectWithinWidth(page.getByTestId(`topic-tab-${tab}`));

  await page.goto(`/topics/${topic}?tab=configs`);
  const edit = page.getByTestId('configs-edit-segment.records');
  await expectWithinWidth(edit);
  await edit.click();
  await page.getByTestId('configs-edit-value').fill('500');
  await expectWithinWidth(page.getByTestId('configs-save'));
  await page.getByTestId('configs-save').click();
  await expect(page.getByTestId('configs-row-segment.records')).toContainText('500');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  await page.goto(`/topics/${topic}?tab=produce`);
  await page.getByTestId('produce-format-text').click();
  await page.getByTestId('produce-value').fill('from a phone');
  await expectWithinWidth(page.getByTestId('produce-submit'));
  await page.getByTestId('produce-submit').click();
  await expect(page.getByTestId('produce-result')).toBeVisible();
});
