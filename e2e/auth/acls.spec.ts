import fs from 'node:fs';
import { AclsPage } from '../pages/acls-page';
import { call, expect, loggedInPage, test } from './session';
import { ADMIN_PASSWORD, ADMIN_USER } from './settings';

const SHOTS = '/tmp/shots-acls';

test('an admin adds a DENY binding in the console, a producer is refused at once, and deleting it lifts the refusal', async ({
  browser,
  pageErrors,
  playwright,
  baseURL,
  api,
}) => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const topic = `acl-e2e-${Date.now().toString(36)}`;
  await api.mutate('topics.create', { name: topic, partitions: 1 });
  const created = await api.mutate('auth.createToken', { name: `acl-writer-${Date.now().toString(36)}`, role: 'producer' });
  const writer = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${created.token}` } });
  const produce = () => call(writer, 'records.produce', { topic, records: [{ value: 'v' }] });
  expect((await produce()).status).toBe(200);

  const { context, page } = await loggedInPage(browser, pageErrors, ADMIN_USER, ADMIN_PASSWORD);
  const acls = new AclsPage(page);
  await acls.goto();
  await expect(page.getByRole('link', { name: 'ACLs' })).toBeVisible();
  await acls.filterByName(topic);
  await expect(acls.empty).toContainText('No bindings match');
  await page.screenshot({ path: `${SHOTS}/acls-empty.png`, fullPage: true });

  // A bad binding is refused with the server's reason, and the dialog stays open (the browser logs the 400).
  pageErrors.allow(/status of 400 \(Bad Request\) \(.*\/api\/trpc\/acls\.create/);
  const bad = await acls.add({
    permission: 'DENY',
    principal: 'not-a-principal',
    operation: 'WRITE',
    resourceType: 'TOPIC',
    patternType: 'LITERAL',
    resourceName: topic,
  });
  await expect(bad).toContainText('User:');
  await page.screenshot({ path: `${SHOTS}/acls-add-error.png`, fullPage: true });
  await bad.getByRole('button', { name: 'Cancel' }).click();

  const deny = {
    permission: 'DENY',
    principal: `User:${created.summary.name}`,
    operation: 'WRITE',
    resourceType: 'TOPIC',
    patternType: 'LITERAL',
    resourceName: topic,
  } as const;
  const dialog = await acls.add(deny);
  await expect(dialog).toBeHidden();
  await expect(acls.row(deny)).toContainText('DENY');
  await page.screenshot({ path: `${SHOTS}/acls-deny-added.png`, fullPage: true });

  const refused = await produce();
  expect(refused.status).toBe(403);
  expect(refused.body.error.data.kafka.name).toBe('TOPIC_AUTHORIZATION_FAILED');

  await acls.remove(deny);
  await expect(acls.empty).toBeVisible();
  expect((await produce()).status).toBe(200);
  await writer.dispose();
  await context.close();
});
