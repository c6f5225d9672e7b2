import path from 'node:path';
import { AuditPage } from '../pages/audit-page';
import { UsersPage } from '../pages/users-page';
import { call, expect, loggedInPage, test } from './session';
import { ADMIN_PASSWORD, ADMIN_USER } from './settings';

const SHOTS = path.join(import.meta.dirname, '..', 'screenshots');

test('a token is shown once, works, and once revoked gets 401; the audit log has both', async ({
  browser,
  pageErrors,
  playwright,
  baseURL,
}) => {
  const { context, page } = await loggedInPage(browser, pageErrors, ADMIN_USER, ADMIN_PASSWORD);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const users = new UsersPage(page);
  await users.goto();
  const token = await users.createToken('ci-reader', 'viewer', 30);
  expect(token).toMatch(/^brook_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId('tokens-created-warning')).toContainText('shown only once');
  await page.getByTestId('tokens-create-dialog').screenshot({ path: path.join(SHOTS, 'auth-token-created.png') });
  await page.getByTestId('tokens-created-copy').click();
  await expect(page.getByTestId('tokens-created-copy')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await users.closeTokenDialog();
  await expect(users.tokenRow('ci-reader')).toContainText('viewer');
  await expect(page.getByTestId('tokens-status-ci-reader')).toHaveText('active');
  // Never again: not in the page after closing, nor after a reload, nor in the list's answer.
  await page.reload();
  await expect(users.tokenRow('ci-reader')).toBeVisible();
  expect(await page.content()).not.toContain(token);
  expect(JSON.stringify((await call(context.request, 'auth.tokens')).body)).not.toContain(token);
  await page.screenshot({ path: path.join(SHOTS, 'auth-users-wide-light.png'), fullPage: true });

  // The token at work: a client of its own, no cookie.
  const client = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  expect((await call(client, 'topics.list')).status).toBe(200);
  expect((await call(client, 'auth.me')).body.result.data.principal).toMatchObject({ name: 'ci-reader', kind: 'token', role: 'viewer' });

  await users.revokeToken('ci-reader');
  await expect(page.getByTestId('tokens-status-ci-reader')).toHaveText('revoked');
  await expect(page.getByTestId('tokens-revoke-ci-reader')).toHaveCount(0);
  const refused = await call(client, 'topics.list');
  expect(refused.status).toBe(401);
  await client.dispose();

  const audit = new AuditPage(page);
  await audit.goto();
  await audit.filter('', 'tokens.revoke');
  await expect(page).toHaveURL(/\/audit\?action=tokens\.revoke$/);
  await expect(audit.actions).toHaveText(['tokens.revoke']);
  await expect(audit.table).toContainText('ci-reader');
  await audit.goto();
  await expect(audit.actions.first()).toHaveText('tokens.revoke'); // newest first
  await expect(audit.table).toContainText('tokens.create');
  await expect(audit.table).toContainText('auth.login');
  expect(await page.content()).not.toContain(token);
  await page.screenshot({ path: path.join(SHOTS, 'auth-audit-wide-light.png'), fullPage: true });
  await context.close();
});
