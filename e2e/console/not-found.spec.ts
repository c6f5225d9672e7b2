import { expect, test, uniqueTopic } from '../fixtures';

/** Unknown names answer 404 from the server render with a page that says what is missing; no actions on nothing. */
test.describe('unknown topic, group or record', () => {
  test.beforeEach(({ pageErrors }) => {
    // Chromium logs the document's own 404 status as a console error; nothing else may appear.
    pageErrors.allow(/Failed to load resource: the server responded with a status of 404/);
  });

  test('/topics/<unknown> is a 404 page with no Delete button', async ({ page }) => {
    const name = uniqueTopic('nope');
    const res = await page.goto(`/topics/${name}`);
    expect(res?.status()).toBe(404);
    await expect(page.getByTestId('not-found')).toContainText(`Topic "${name}" does not exist`);
    await expect(page.getByTestId('not-found').getByRole('link', { name: /topics/i })).toHaveAttribute('href', '/topics');
    await expect(page.getByTestId('topics-delete-open')).toHaveCount(0);
    // Stays so: no tabs or empty topic appear later (the client does not retry into a fake page).
    await page.waitForTimeout(1500);
    await expect(page.getByTestId('topic-tab-messages')).toHaveCount(0);
    await expect(page.getByTestId('topics-delete-open')).toHaveCount(0);
  });

  test('/groups/<unknown> is a 404 page with no Reset button', async ({ page }) => {
    const groupId = uniqueTopic('nope-group');
    const res = await page.goto(`/groups/${groupId}`);
    expect(res?.status()).toBe(404);
    await expect(page.getByTestId('not-found')).toContainText(`Consumer group "${groupId}" does not exist`);
    await expect(page.getByTestId('not-found').getByRole('link', { name: /consumer groups/i })).toHaveAttribute('href', '/groups');
    await page.waitForTimeout(2500); // the group page refetched every 2 s and flickered
    await expect(page.getByTestId('group-reset-open')).toHaveCount(0);
    await expect(page.getByTestId('not-found')).toBeVisible();
  });

  test('a permalink into a missing topic, and a missing partition, are 404', async ({ page, api }) => {
    const missing = uniqueTopic('gone');
    let res = await page.goto(`/topics/${missing}/0/999999`);
    expect(res?.status()).toBe(404);
    await expect(page.getByTestId('not-found')).toContainText(`Topic "${missing}" or its partition 0 does not exist`);
    await expect(page.getByTestId('topics-delete-open')).toHaveCount(0);

    const topic = uniqueTopic('one-partition');
    await api.mutate('topics.create', { name: topic, partitions: 1 });
    res = await page.goto(`/topics/${topic}/7/0`);
    expect(res?.status()).toBe(404);
    await expect(page.getByTestId('not-found')).toContainText(`Topic "${topic}" or its partition 7 does not exist`);
  });

  test('a group with committed offsets and no members is a real group, not a 404', async ({ page, api }) => {
    const topic = uniqueTopic('committed');
    const groupId = uniqueTopic('idle-group');
    await api.mutate('topics.create', { name: topic, partitions: 1 });
    await api.mutate('records.produce', { topic, records: [{ value: 'a' }, { value: 'b' }] });
    await api.mutate('groups.commit', { groupId, offsets: [{ topic, partition: 0, offset: 1 }] });
    const res = await page.goto(`/groups/${groupId}`);
    expect(res?.status()).toBe(200);
    await expect(page.getByTestId('group-id')).toHaveText(groupId);
    await expect(page.getByTestId('group-reset-open')).toBeVisible();
  });

  test('any other unknown path is a 404 page that links back to the overview', async ({ page }) => {
    const res = await page.goto('/no/such/page');
    expect(res?.status()).toBe(404);
    await expect(page.getByTestId('not-found')).toContainText('Page not found');
    await expect(page.getByTestId('not-found').getByRole('link', { name: /overview/i })).toHaveAttribute('href', '/');
  });
});
