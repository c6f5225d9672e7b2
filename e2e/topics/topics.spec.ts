import { expect, test, uniqueTopic } from '../fixtures';
import { TopicPage } from '../pages/topic-page';
import { TopicsPage } from '../pages/topics-page';

test('create a topic in the UI, with the broker validating the name', async ({ page, api }) => {
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
