import path from 'node:path';
import { expect, test } from '../../fixtures';

const SHOTS = path.join(import.meta.dirname, '..', '..', 'screenshots');

test('with BROOK_AUTH=none every page says anyone can do anything, and nobody logs in', async ({ page, baseURL }) => {
  const port = new URL(baseURL!).port;
  for (const url of ['/', '/topics', '/groups', '/learn']) {
    await page.goto(url);
    const banner = page.getByTestId('auth-open-banner');
    await expect(banner).toContainText('Authentication is off and Brook listens on');
    await expect(banner).toContainText(`127.0.0.1:${port}`);
    await expect(banner).toContainText('anyone who can reach it can do anything');
  }
  await page.goto('/topics');
  await expect(page.getByTestId('topics-create-open')).toBeVisible(); // everyone is an admin
  await expect(page.getByTestId('auth-user-menu')).toHaveCount(0);
  await page.screenshot({ path: path.join(SHOTS, 'auth-open-banner-wide-light.png'), fullPage: true });
  await page.goto('/login'); // not a form: it says auth is off
  await expect(page.getByTestId('auth-login-off')).toBeVisible();
  await page.getByTestId('auth-login-home').click();
  await expect(page).toHaveURL(/\/$/);
});
