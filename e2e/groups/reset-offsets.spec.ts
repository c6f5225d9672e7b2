import { type BrookApi, expect, test, uniqueTopic } from '../fixtures';
import { GroupPage } from '../pages/group-page';

/** 2026-01-01 00:00:00 UTC: record i of each partition is stamped i seconds later. */
const T0 = Date.UTC(2026, 0, 1);

async function emptyGroupWithOffsets(api: BrookApi) {
  const topic = uniqueTopic('reset');
  const groupId = uniqueTopic('reset-g');
  await api.mutate('topics.create', { name: topic, partitions: 2 });
  for (const partition of [0, 1]) {
    await api.mutate('records.produce', {
      topic,
      records: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition, timestamp: T0 + i * 1000 })),
    });
  }
  await api.mutate('groups.commit', {
    groupId,
    offsets: [
      { topic, partition: 0, offset: 3 },
      { topic, partition: 1, offset: 3 },
    ],
  });
  return { topic, groupId };
}

const committed = async (api: BrookApi, groupId: string) =>
  ((await api.query('groups.fetchOffsets', { groupId })) as Array<{ partitions: Array<{ offset: number }> }>)[0].partitions.map(
    (p) => p.offset,
  );

test('Apply applies exactly what the dry run showed: a changed form withdraws the preview', async ({ page, api }) => {
  const { topic, groupId } = await emptyGroupWithOffsets(api);
  const group = new GroupPage(page, groupId);
  await group.goto();
  const dialog = await group.openReset();
  const apply = dialog.getByTestId('reset-apply');
  await expect(apply).toBeDisabled();

  // Dry run "earliest", then switch to "latest": the preview is for earliest, so Apply must not be offered.
  await group.dryRun(dialog, 'earliest');
  await expect(dialog.getByTestId('reset-preview')).toBeVisible();
  expect(await group.previewOffsets(dialog)).toEqual([0, 0]);
  await dialog.getByTestId('reset-target').selectOption('latest');
  await expect(dialog.getByTestId('reset-preview')).toHaveCount(0);
  await expect(dialog.getByTestId('reset-hint')).toContainText('changed since the last dry run');
  await expect(apply).toBeDisabled();

  // Preview "latest" (10 on each partition); more records arrive before Apply: the preview is applied.
  await dialog.getByTestId('reset-dry-run').click();
  await expect(dialog.getByTestId('reset-preview')).toBeVisible();
  expect(await group.previewOffsets(dialog)).toEqual([10, 10]);
  await api.mutate('records.produce', { topic, records: Array.from({ length: 5 }, (_, i) => ({ value: `late${i}`, partition: 0 })) });
  await expect(apply).toBeEnabled();
  await apply.click();
  await expect(dialog.getByTestId('reset-done')).toBeVisible();
  await expect(apply).toBeDisabled();
  expect(await committed(api, groupId)).toEqual([10, 10]);
});

test.describe('in a browser on Los Angeles time', () => {
  test.use({ timezoneId: 'America/Los_Angeles' });

  test('a reset time is required, is read as UTC and says so; an empty offset is refused', async ({ page, api }) => {
    const { groupId } = await emptyGroupWithOffsets(api);
    const group = new GroupPage(page, groupId);
    await group.goto();
    const dialog = await group.openReset();

    await group.dryRun(dialog, 'timestamp');
    await expect(dialog.getByRole('alert')).toContainText('Enter the time (UTC)');
    await expect(dialog.getByTestId('reset-preview')).toHaveCount(0);
    await expect(dialog.getByTestId('reset-apply')).toBeDisabled();
    await expect(dialog.getByTestId('reset-time')).toHaveAccessibleName(/^Time \(UTC\)/);

    // 00:00:05 UTC is record 5 (in Los Angeles it would be 08:00:05 UTC: past every record).
    await dialog.getByTestId('reset-time').fill('2026-01-01T00:00:05');
    await expect(dialog.getByTestId('reset-time-utc')).toHaveText('2026-01-01 00:00:05.000 UTC');
    await dialog.getByTestId('reset-dry-run').click();
    await expect(dialog.getByTestId('reset-preview')).toBeVisible();
    expect(await group.previewOffsets(dialog)).toEqual([5, 5]);
    await dialog.getByTestId('reset-apply').click();
    await expect(dialog.getByTestId('reset-done')).toBeVisible();
    expect(await committed(api, groupId)).toEqual([5, 5]);

    await group.dryRun(dialog, 'offset', '');
    await expect(dialog.getByRole('alert')).toContainText('Enter the offset');
    await expect(dialog.getByTestId('reset-apply')).toBeDisabled();
    expect(await committed(api, groupId)).toEqual([5, 5]);
  });
});
