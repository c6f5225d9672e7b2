import { expect, test, uniqueTopic } from '../fixtures';
import { TopicPage } from '../pages/topic-page';
import { TopicsPage } from '../pages/topics-page';

test('create a topic in the UI, with the broker validating the name', async ({ page, api, pageErrors }) => {
  pageErrors.allow(/status of 400/); // the broker refusing "bad name!" is the point of this test
  const topics = new TopicsPage(page);
  await topics.goto();
  await topics.create('bad name!', 2);
  await expect(page.getByTestId('topics-create-dialog').getByRole('alert')).toContainText('INVALID_TOPIC_EXCEPTION');
  const name = uniqueTopic('ui-created');
  await page.getByTestId('topics-create-name').fill(name);
  await page.getByTestId('topics-create-submit').click();
  await expect(page).toHaveURL(new RegExp(`/topics/${name}`));
  await expect(page.getByTestId('topic-name')).toHaveText(name);
  const t = await api.query('topics.get', { name });
  expect(t.partitions).toBe(2);
  await topics.goto();
  await page.getByTestId('topics-search').fill(name);
  await expect(topics.row(name)).toContainText('2');
});

test('delete a topic, confirmed by typing its name', async ({ page, api }) => {
  const name = uniqueTopic('ui-doomed');
  await api.mutate('topics.create', { name, partitions: 1 });
  await api.mutate('records.produce', { topic: name, records: [{ value: 'bye' }] });
  const topic = new TopicPage(page, name);
  await topic.goto();
  await topic.delete();
  await expect(page).toHaveURL(/\/topics$/);
  const list: Array<{ name: string }> = await api.query('topics.list');
  expect(list.map((t) => t.name)).not.toContain(name);
});

test('the create dialog drops an old error once the input changes, and refuses an empty or zero partition count', async ({
  page,
  pageErrors,
}) => {
  pageErrors.allow(/status of 400/); // the broker refusing "bad name!" is the point of this test
  const topics = new TopicsPage(page);
  await topics.goto();
  await topics.create('bad name!', 2);
  const dialog = page.getByTestId('topics-create-dialog');
  await expect(dialog.getByRole('alert')).toContainText('INVALID_TOPIC_EXCEPTION');
  await dialog.getByTestId('topics-create-name').fill('good-name');
  await expect(dialog.getByRole('alert')).toHaveCount(0);

  const partitions = dialog.getByTestId('topics-create-partitions');
  for (const bad of ['', '0', '1.5', '-2']) {
    await partitions.fill(bad);
    await expect(dialog.getByTestId('topics-create-partitions-error')).toHaveText(
      bad === '' ? 'Partitions is required.' : 'Partitions must be a whole number from 1 to 1,000.',
    );
    await expect(dialog.getByTestId('topics-create-submit')).toBeDisabled();
  }
  await partitions.fill('4');
  await expect(dialog.getByTestId('topics-create-partitions-error')).toHaveCount(0);
  await expect(dialog.getByTestId('topics-create-submit')).toBeEnabled();
});

test('partitions tab: segment offset ranges read as one range, times say UTC', async ({ page, api }) => {
  const name = uniqueTopic('ranges');
  await api.mutate('topics.create', { name, partitions: 1, configs: { 'segment.records': 1000 } });
  await api.mutate('records.produce', { topic: name, records: Array.from({ length: 1500 }, (_, i) => ({ value: String(i) })) });
  // The first segment is sealed by a maintenance pass (every 2 s in this run).
  await expect.poll(async () => (await api.query('topics.segments', { name }))[0]?.sealed, { timeout: 15_000 }).toBe(true);
  const topic = new TopicPage(page, name);
  await topic.goto('partitions');
  const segments = page.getByTestId('partitions-row-0').locator('.segments li');
  await expect(segments.first()).toContainText('offsets 0 – 999');
  await expect(segments.first()).not.toContainText('[0, 1,000)');
  // The sealed segment's newest record time is labelled with its zone.
  await expect(segments.first()).toContainText(/newest \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? UTC/);
  await expect(segments.nth(1)).toContainText('offsets 1,000 –');
});
