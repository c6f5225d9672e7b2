import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { LoginPage } from '../pages/login-page';
import { call, expect, loggedInPage, test } from './session';
import { ADMIN_PASSWORD, ADMIN_USER, dbUrlFile } from './settings';

const SHOTS = path.join(import.meta.dirname, '..', 'screenshots');

test('a page without a session goes to /login, and back to it after logging in', async ({ page }) => {
  await page.goto('/topics?search=x');
  await expect(page).toHaveURL(/\/login\?next=%2Ftopics%3Fsearch%3Dx$/);
  const login = new LoginPage(page);
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0); // nothing to go to yet
  await page.screenshot({ path: path.join(SHOTS, 'auth-login-wide-light.png'), fullPage: true });
  await login.submit(ADMIN_USER, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/topics\?search=x$/);
  await expect(login.userName).toHaveText(ADMIN_USER);
  await expect(login.userRole).toHaveText('admin');
  await expect(page.getByRole('link', { name: 'Users & tokens' })).toBeVisible();
  await page.getByTestId('auth-user-menu').screenshot({ path: path.join(SHOTS, 'auth-user-menu.png') });
  // Already logged in: /login goes straight on.
  await page.goto('/login?next=/groups');
  await expect(page).toHaveURL(/\/groups$/);
});

test('a wrong password says so and logs nobody in', async ({ page, pageErrors }) => {
  pageErrors.allow(/status of 401/);
  const login = new LoginPage(page);
  await login.goto('/groups');
  await login.submit(ADMIN_USER, 'not-the-password');
  await expect(login.error).toHaveText('Wrong user name or password.');
  await expect(page).toHaveURL(/\/login\?next=%2Fgroups$/);
  expect((await call(page.request, 'auth.me')).body.result.data.principal).toBeNull();
});

test('log out ends the session on the server too', async ({ browser, pageErrors }) => {
  const { context, page } = await loggedInPage(browser, pageErrors, ADMIN_USER, ADMIN_PASSWORD);
  await page.goto('/');
  const cookie = (await context.cookies()).find((c) => c.name === 'brook_session');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Strict');
  await new LoginPage(page).logout();
  await page.goto('/topics');
  await expect(page).toHaveURL(/\/login\?next=%2Ftopics$/);
  // The old cookie, replayed, is worth nothing: the session is gone, not just the browser's copy.
  const replay = await call(page.request, 'auth.me', undefined, { headers: { cookie: `brook_session=${cookie?.value}` } });
  expect(replay.body.result.data.principal).toBeNull();
  await context.close();
});

test('an expired session sends an open page to /login', async ({ api, browser, pageErrors, baseURL }) => {
  pageErrors.allow(/status of 401/); // the open page's polls, refused once the session is over
  // BROOK_SESSION_HOURS is whole hours: the test moves this user's session expiry into the past in the database instead.
  const urlFile = dbUrlFile(new URL(baseURL!).port);
  test.skip(!fs.existsSync(urlFile), 'needs the e2e server on a Postgres server (TEST_DATABASE_URL), whose database the test can reach');
  await api.mutate('auth.addUser', { name: 'expiring', password: 'expiring-password', role: 'viewer' });
  const { context, page } = await loggedInPage(browser, pageErrors, 'expiring', 'expiring-password');
  await page.goto('/topics');
  await expect(page.getByTestId('auth-user-name')).toHaveText('expiring');
  const sql = postgres(fs.readFileSync(urlFile, 'utf8'), { max: 1, onnotice: () => {} });
  try {
    const expired = await sql`UPDATE sessions SET expires_at = ${Date.now() - 1000} WHERE user_name = 'expiring'`;
    expect(expired.count).toBe(1);
  } finally {
    await sql.end();
  }
  // A click in the open page (a client-side navigation) is refused by the server and lands on /login; so does
  // the page's next poll, if it comes first (then the way back is /topics).
  await page.getByRole('link', { name: 'Consumer groups' }).click();
  await expect(page).toHaveURL(/\/login\?next=%2F(groups|topics)$/);
  await expect(page.getByTestId('auth-login')).toBeVisible();
  await context.close();
});

// Last in this file: it uses up a name's failed-login budget (a different name from the others).
test('too many failed logins: the form says so and when to retry', async ({ page, pageErrors }) => {
  pageErrors.allow(/status of 40[01]|status of 429/);
  const login = new LoginPage(page);
  await login.goto();
  let throttled = false;
  for (let i = 0; i < 8 && !throttled; i++) {
    const answer = page.waitForResponse((r) => r.url().includes('/api/trpc/auth.login'));
    await login.submit('mallory', `guess-${i}-password`);
    const status = (await answer).status();
    expect([401, 429]).toContain(status);
    throttled = status === 429;
    if (!throttled) await expect(login.error).toHaveText('Wrong user name or password.');
  }
  expect(throttled).toBe(true);
  await expect(login.error).toContainText('Too many failed logins');
  await expect(login.error).toContainText(/try again in \d+ s/);
  await page.screenshot({ path: path.join(SHOTS, 'auth-login-throttled.png'), fullPage: true });
});
