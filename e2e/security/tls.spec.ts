import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ServerChild, startServerChild } from '@/server/serve/spawn-server';
import { makeTestCertificate, type TestCertificate } from '@/server/serve/test-certificate';
import { expect, test, uniqueTopic } from '../fixtures';
import { TopicsPage } from '../pages/topics-page';

/**
 * The console in Chromium over https (BROOK_TLS_CERT/KEY with a certificate made here), on a server of its
 * own beside the suite's plain one: pages, their scripts and the browser's API calls all over TLS.
 */
const root = path.resolve(import.meta.dirname, '../..');
let cert: TestCertificate;
let server: ServerChild;
let dir = '';

test.beforeAll(async () => {
  cert = makeTestCertificate();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-e2e-tls-'));
  server = await startServerChild(path.join(root, '.next/brook/main.mjs'), {
    BROOK_DATA_DIR: path.join(dir, 'pglite'),
    BROOK_TLS_CERT: cert.certPath,
    BROOK_TLS_KEY: cert.keyPath,
  });
});

test.afterAll(async () => {
  if (server?.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  cert?.remove();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the console over https: a page loads, a topic is created from the dialog, opened and listed', async ({ browser, pageErrors }) => {
  expect(server.url).toMatch(/^https:/);
  // Chromium does not know the test CA: the certificate itself is checked by the node and kcat tests.
  const context = pageErrors.watchContext(
    await browser.newContext({ baseURL: server.url.replace('127.0.0.1', 'localhost'), ignoreHTTPSErrors: true }),
  );
  try {
    const page = await context.newPage();
    const topics = new TopicsPage(page);
    await topics.goto();
    expect(await page.evaluate(() => window.location.protocol)).toBe('https:');
    const name = uniqueTopic('tls');
    await topics.create(name, 2);
    // Creating opens the new topic's page (the list may show its row for an instant before that).
    await expect(page).toHaveURL(new RegExp(`/topics/${name}$`));
    await expect(page.getByTestId('topic-name')).toHaveText(name);
    await topics.goto();
    await page.getByTestId('topics-search').fill(name);
    await expect(topics.row(name)).toBeVisible();
    await page.screenshot({ path: path.join(root, 'test-results', 'tls-topics.png') });
  } finally {
    await context.close();
  }
});
