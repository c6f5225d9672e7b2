import { expect, type Page } from '@playwright/test';

/** Collects uncaught page errors and console errors (a hydration mismatch is one); `check` asserts there were none. */
export function watchPageErrors(page: Page) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return { check: () => expect(errors).toEqual([]) };
}
