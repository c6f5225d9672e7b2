import { expect, OWN_ORIGIN, test } from '../auth/session';
import { ADMIN_PASSWORD, ADMIN_USER } from '../auth/settings';
import { AuditPage } from '../pages/audit-page';
import { ForeignOrigin } from '../pages/foreign-origin';
import { LoginPage } from '../pages/login-page';

/**
 * Cross-port forgery with auth on: the admin is logged in to Brook, then opens a page served on another
 * port of 127.0.0.1. The browser sends that page's requests Brook's session cookie (same site), so only the
 * edge's rules stop them: Origin must be Brook's own (scheme, host and port), bodies must be JSON.
 */
test('a page on another port of the same host cannot drive Brook with the admin session', async ({ page, api, pageErrors }, testInfo) => {
  // The hostile page's refused requests, its blocked cors fetch (ERR_FAILED), and the favicon a browser
  // asks for while showing Brook's JSON refusal show up as console errors.
  pageErrors.allow(/status of 40[13]|CORS|Failed to fetch|ERR_FAILED|favicon\.ico/);
  const started = Date.now();
  const login = new LoginPage(page);
  await login.goto();
  await login.submit(ADMIN_USER, ADMIN_PASSWORD);
  await expect(login.userName).toHaveText(ADMIN_USER);

  const foreign = await ForeignOrigin.start();
  try {
    const api_ = (procedure: string) => `${OWN_ORIGIN}/api/trpc/${procedure}`;
    // An auto-submitting multipart form: the browser navigates to Brook's refusal.
    expect(await foreign.submitForm(page, api_('shop.reset'))).toBe(403);
    await expect(page.locator('body')).toContainText('Cross-origin request refused');
    await page.screenshot({ path: testInfo.outputPath('form-refused.png') });

    // fetch() with the cookie: no-cors (text/plain) is refused by the edge, cors (JSON) never passes its preflight.
    const fetches = await foreign.runFetches(page, api_('shop.start'), api_('learn.addConsumer'));
    expect(fetches.noCorsStatus).toBe(403);
    expect(fetches.seen).toContain('no-cors: opaque');
    expect(fetches.seen).toContain('cors: failed');
    await page.screenshot({ path: testInfo.outputPath('fetch-refused.png') });

    // A forged logout is refused too: the session still works on Brook's own pages.
    expect(await foreign.submitForm(page, api_('auth.logout'))).toBe(403);
    await page.goto('/');
    await expect(login.userName).toHaveText(ADMIN_USER);
  } finally {
    await foreign.close();
  }

  // Nothing ran: no audit entry says ok for the procedures the page called (they never reached tRPC).
  for (const action of ['shop.reset', 'shop.start', 'learn.addConsumer']) {
    const entries = await api.query('auth.audit', { action });
    const since = entries.filter((e) => Date.parse(e.at) >= started);
    expect(
      since.filter((e) => e.outcome === 'ok'),
      action,
    ).toEqual([]);
  }
  const audit = new AuditPage(page);
  await audit.goto({ action: 'shop.reset' });
  await page.screenshot({ path: testInfo.outputPath('audit.png') });
});
