import { Brook, type Consumer } from '../../server/client';
import { expect, test, uniqueTopic } from '../fixtures';
import { GroupPage } from '../pages/group-page';

test.describe.configure({ timeout: 120_000 });

test('a consumer group started with the client library shows its lag, chart and status; offsets reset only once it is empty', async ({
  page,
  api,
  baseURL,
  pageErrors,
}) => {
  // The reset below is refused on purpose (NON_EMPTY_GROUP): the browser logs that 409.
  pageErrors.allow(/status of 409/);
  const topic = uniqueTopic('ui-group');
  const groupId = uniqueTopic('inventory');
  await api.mutate('topics.create', { name: topic, partitions: 3 });
  await api.mutate('records.produce', {
    topic,
    records: Array.from({ length: 600 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ i }) })),
  });

  // A slow consumer, so the group has lag for a while.
  const consumer: Consumer = new Brook({ url: baseURL!, clientId: 'e2e-inventory' }).consumer({
    groupId,
    heartbeatInterval: 500,
    sessionTimeout: 6000,
  });
  let processed = 0;
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommitInterval: 300,
    eachMessage: async () => {
      processed++;
      await new Promise((r) => setTimeout(r, 25));
    },
  });
  try {
    await page.goto('/groups');
    await expect(page.getByTestId(`groups-row-${groupId}`)).toBeVisible();
    await expect
      .poll(async () => Number((await page.getByTestId(`groups-lag-${groupId}`).innerText()).replaceAll(',', '')), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await expect(page.getByTestId(`groups-status-${groupId}`)).toHaveText(/^(OK|WARN|ERR)$/);

    const group = new GroupPage(page, groupId);
    await group.goto();
    await expect(page.getByTestId('group-state')).toHaveText(/Stable|Reconciling/);
    await expect(page.getByTestId('group-status')).toHaveText(/^(OK|WARN|ERR)$/);
    await expect(page.getByTestId('group-assignment').locator('[data-owner]:not([data-owner=""])')).toHaveCount(3);
    // Lag is sampled every second in this run: the chart draws once it has points.
    await expect
      .poll(async () => Number(await page.getByTestId('group-lag-chart').getAttribute('data-points')), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(3);
    await expect(page.getByTestId('group-lag-chart').locator('path.recharts-line-curve')).toHaveCount(1);

    const dialog = await group.resetOffsets('earliest');
    await expect(dialog.getByRole('alert')).toContainText('NON_EMPTY_GROUP');
    await expect(dialog.getByRole('alert')).toContainText('only be reset while it has no members');
    await dialog.getByRole('button', { name: 'Close' }).first().click();
  } finally {
    await consumer.disconnect();
  }
  expect(processed).toBeGreaterThan(0);

  const group = new GroupPage(page, groupId);
  await group.goto();
  await expect(page.getByTestId('group-state')).toHaveText('Empty');
  const dialog = await group.resetOffsets('offset', 100);
  await expect(dialog.getByTestId('reset-done')).toBeVisible();
  const offsets: Array<{ topic: string; partitions: Array<{ partition: number; offset: number }> }> = await api.query(
    'groups.fetchOffsets',
    { groupId },
  );
  expect(offsets[0].partitions.map((p) => p.offset)).toEqual([100, 100, 100]);
});
