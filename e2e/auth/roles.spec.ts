import { uniqueTopic } from '../fixtures';
import { UsersPage } from '../pages/users-page';
import { call, expect, loggedInPage, test } from './session';
import { ADMIN_PASSWORD, ADMIN_USER } from './settings';

test('a viewer made on the Users page sees no admin or produce controls, and the API refuses them anyway', async ({
  api,
  browser,
  pageErrors,
}) => {
  pageErrors.allow(/status of 403/);
  const topic = uniqueTopic('roles');
  const groupId = uniqueTopic('roles-group');
  await api.mutate('topics.create', { name: topic, partitions: 2 });
  await api.mutate('records.produce', {
    topic,
    records: [
      { key: 'k', value: 'payload-one' },
      { key: 'k', value: 'payload-two' },
    ],
  });
  await api.mutate('groups.commit', { groupId, offsets: [{ topic, partition: 0, offset: 1 }] });

  // The admin makes the viewer in the console.
  const admin = await loggedInPage(browser, pageErrors, ADMIN_USER, ADMIN_PASSWORD);
  const users = new UsersPage(admin.page);
  await users.goto();
  await users.addUser('vera', 'vera-password-1', 'viewer');
  // What an admin sees, for contrast with the viewer below.
  await admin.page.goto(`/topics/${topic}`);
  await expect(admin.page.getByTestId('topics-delete-open')).toBeVisible();
  await expect(admin.page.getByTestId('topic-tab-produce')).toBeVisible();

  const { context, page } = await loggedInPage(browser, pageErrors, 'vera', 'vera-password-1');
  await page.goto('/topics');
  await expect(page.getByTestId(`topics-row-${topic}`)).toBeVisible();
  await expect(page.getByTestId('auth-user-role')).toHaveText('viewer');
  await expect(page.getByTestId('topics-create-open')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Users & tokens' })).toHaveCount(0);

  await page.goto(`/topics/${topic}`);
  await expect(page.getByTestId('topic-name')).toHaveText(topic);
  await expect(page.getByTestId('topics-delete-open')).toHaveCount(0);
  // BROOK_HIDE_PAYLOADS=viewer on this suite's server: the viewer sees that the records are there, not what they hold.
  await expect(page.getByTestId(/^messages-row-/)).toHaveCount(2);
  await expect(page.getByTestId('messages-hidden')).toHaveCount(4); // key and value of each
  await expect(page.locator('main')).not.toContainText('payload-');
  await expect(page.getByTestId('topic-tab-produce')).toHaveCount(0);
  await page.goto(`/topics/${topic}?tab=configs`);
  await expect(page.getByTestId('configs-row-retention.ms')).toBeVisible();
  await expect(page.getByTestId('configs-edit-retention.ms')).toHaveCount(0);
  await page.goto(`/topics/${topic}?tab=produce`);
  await expect(page.getByTestId('topics-produce-forbidden')).toBeVisible();

  await page.goto(`/groups/${groupId}`);
  await expect(page.getByTestId('group-id')).toHaveText(groupId);
  await expect(page.getByTestId('group-reset-open')).toHaveCount(0);
  await expect(page.getByTestId('groups-delete-open')).toHaveCount(0);

  await page.goto('/users');
  await expect(page.getByTestId('auth-forbidden')).toBeVisible();

  // Calling the API anyway, with the viewer's own session: refused, and nothing changed.
  const del = await call(context.request, 'topics.delete', { name: topic });
  expect(del.status).toBe(403);
  expect(del.body.error.data.kafka.name).toBe('TOPIC_AUTHORIZATION_FAILED');
  const produce = await call(context.request, 'records.produce', { topic, records: [{ value: 'three' }] });
  expect(produce.status).toBe(403);
  const deleteGroup = await call(context.request, 'groups.delete', { groupId });
  expect(deleteGroup.status).toBe(403);
  expect(deleteGroup.body.error.data.kafka.name).toBe('GROUP_AUTHORIZATION_FAILED');
  const addUser = await call(context.request, 'auth.addUser', { name: 'sneaky', password: 'sneaky-password', role: 'admin' });
  expect(addUser.status).toBe(403);
  expect((await api.query('topics.get', { name: topic })).records).toBe(2);
  expect((await api.query('auth.users')).map((u) => u.name)).not.toContain('sneaky');

  // Promoted to producer by the admin: Produce appears; Delete still does not.
  await users.goto();
  await users.setRole('vera', 'producer');
  await page.goto(`/topics/${topic}`);
  await expect(page.getByTestId('auth-user-role')).toHaveText('producer');
  await expect(page.getByTestId('topic-tab-produce')).toBeVisible();
  await expect(page.getByTestId('topics-delete-open')).toHaveCount(0);
  await expect(page.getByTestId(/^messages-value-/).first()).toContainText('payload-');
  expect((await call(context.request, 'records.produce', { topic, records: [{ value: 'three' }] })).status).toBe(200);
  expect((await call(context.request, 'topics.delete', { name: topic })).status).toBe(403);

  await context.close();
  await admin.context.close();
});
