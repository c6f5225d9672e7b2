import path from 'node:path';
import type { Browser } from '@playwright/test';
import { Brook, type Consumer } from '../../server/client';
import { expect, type PageErrors, test, uniqueTopic } from '../fixtures';
import { GroupPage } from '../pages/group-page';

test.describe.configure({ timeout: 150_000 });

const SHOTS = path.join(import.meta.dirname, '..', 'screenshots');

/** The group page at 1280 and 390 px, light and dark, with no page or console error. */
async function screenshots(browser: Browser, pageErrors: PageErrors, groupId: string, name: string) {
  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [1280, 390]) {
      const ctx = pageErrors.watchContext(await browser.newContext({ colorScheme: scheme, viewport: { width, height: 900 } }));
      const page = await ctx.newPage();
      await new GroupPage(page, groupId).goto();
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: path.join(SHOTS, `${name}-${width}-${scheme}.png`), fullPage: true });
      await ctx.close();
    }
  }
}

test('a group whose members left reads as stopped: 0/s, never clears, no "clears in"', async ({
  page,
  browser,
  api,
  baseURL,
  pageErrors,
}) => {
  const topic = uniqueTopic('stopping');
  const groupId = uniqueTopic('stopping-g');
  await api.mutate('topics.create', { name: topic, partitions: 3 });
  await api.mutate('records.produce', {
    topic,
    records: Array.from({ length: 3000 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ i }) })),
  });

  const consumer: Consumer = new Brook({ url: baseURL!, clientId: 'e2e-stopping' }).consumer({
    groupId,
    heartbeatInterval: 500,
    sessionTimeout: 6000,
  });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ autoCommitInterval: 300, eachMessage: () => new Promise((r) => setTimeout(r, 10)) });
  const group = new GroupPage(page, groupId);
  try {
    await group.goto();
    await expect(page.getByTestId('group-state')).toHaveText(/Stable|Reconciling/);
    // While it runs, the rate is measured (not 0) and a time to clear may show.
    await expect
      .poll(async () => page.getByTestId('group-consume-rate').innerText(), { timeout: 30_000 })
      .toMatch(/^[1-9][\d.]*k?\/s$|^0\.[1-9]\/s$/);
    await screenshots(browser, pageErrors, groupId, 'group-active');
  } finally {
    await consumer.disconnect();
  }

  // Right after the last member left: nobody consumes, so nothing "clears in" anything.
  await group.goto();
  await expect(page.getByTestId('group-state')).toHaveText('Empty');
  await expect(page.getByTestId('group-consume-rate')).toHaveText('0.0/s', { timeout: 15_000 });
  await expect(page.getByTestId('group-time-to-clear')).toContainText('stopped');
  await expect(page.getByTestId('group-time-to-clear')).toContainText('nobody is consuming');
  await expect(page.getByTestId('group-no-members')).toBeVisible();
  for (const p of [0, 1, 2]) {
    const lag = Number((await page.getByTestId(`group-partition-lag-${topic}-${p}`).innerText()).replaceAll(',', ''));
    await expect(group.clearsIn(topic, p)).toHaveText(lag === 0 ? 'caught up' : 'stopped');
    await expect(page.getByTestId(`group-partition-rate-${topic}-${p}`)).toHaveText('0.0/s');
  }
  await screenshots(browser, pageErrors, groupId, 'group-stopped');
});
