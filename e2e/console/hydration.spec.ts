import { Brook, type Consumer } from '../../server/client';
import { expect, test, uniqueTopic } from '../fixtures';

test.describe.configure({ timeout: 120_000 });

/**
 * React hydration (#418) failed on every load of the overview and of a group page with active members
 * (relative times computed from the clock during render differ between server and browser). The
 * fixtures fail any test on a page error or console error; this visits both pages in both themes and
 * widths, reloading each a few times, so a hydration mismatch cannot hide.
 */
test('overview and a live group page hydrate without errors, light and dark, 1280 and 390 px', async ({
  browser,
  api,
  baseURL,
  pageErrors,
}) => {
  const topic = uniqueTopic('hydrate');
  const groupId = uniqueTopic('hydrate-group');
  await api.mutate('topics.create', { name: topic, partitions: 2 });
  await api.mutate('records.produce', { topic, records: Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: String(i) })) });
  const consumer: Consumer = new Brook({ url: baseURL!, clientId: 'hydration' }).consumer({ groupId, heartbeatInterval: 300 });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ autoCommitInterval: 300, eachMessage: () => new Promise((r) => setTimeout(r, 30)) });
  try {
    await expect.poll(async () => (await api.query('groups.describe', { groupId })).members.length, { timeout: 15_000 }).toBe(1);
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const width of [1280, 390]) {
        const ctx = pageErrors.watchContext(await browser.newContext({ colorScheme, viewport: { width, height: 900 } }));
        const page = await ctx.newPage();
        for (const url of ['/', `/groups/${groupId}`]) {
          for (let i = 0; i < 2; i++) {
            await page.goto(url);
            await expect(page.locator('main h1')).toBeVisible();
            await page.waitForLoadState('networkidle');
          }
        }
        // The relative times are there once the page runs in the browser.
        await page.goto('/');
        await expect(page.getByTestId('overview-instance-row').first()).toContainText(/ ago/);
        await ctx.close();
      }
    }
  } finally {
    await consumer.disconnect();
  }
});
