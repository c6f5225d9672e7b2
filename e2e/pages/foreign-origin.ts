import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, type Page } from '@playwright/test';

/**
 * A hostile page served on another port of 127.0.0.1 (another origin, the same site: a browser sends it
 * Brook's SameSite=Strict cookie). Its attacks are what a plain page can do without a preflight: an
 * auto-submitting multipart form, a no-cors fetch() with credentials, and a cors fetch() with JSON (which
 * needs a preflight Brook never grants).
 */
export class ForeignOrigin {
  private constructor(
    private readonly server: http.Server,
    readonly origin: string,
  ) {}

  /** Serves `/form?target=<url>` and `/fetch?target=<url>` pages that attack `target` when loaded. */
  static async start(): Promise<ForeignOrigin> {
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const target = url.searchParams.get('target') ?? '';
      res.setHeader('content-type', 'text/html; charset=utf-8');
      if (url.pathname === '/form') return res.end(formPage(target));
      if (url.pathname === '/fetch') return res.end(fetchPage(target));
      if (url.pathname === '/favicon.ico') {
        res.statusCode = 204;
        return res.end();
      }
      res.statusCode = 404;
      res.end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ForeignOrigin(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  /** Opens the page whose multipart form posts itself to `target` at once; resolves with Brook's answer's status. */
  async submitForm(page: Page, target: string): Promise<number> {
    const answer = page.waitForResponse((r) => r.url() === target && r.request().method() === 'POST');
    await page.goto(`${this.origin}/form?target=${encodeURIComponent(target)}`);
    return (await answer).status();
  }

  /**
   * Opens the page that fetches `noCors` (text/plain body, credentials included) and `cors` (JSON); resolves
   * with what the page saw of each and the status Brook answered the no-cors one with.
   */
  async runFetches(page: Page, noCors: string, cors: string): Promise<{ noCorsStatus: number; seen: string }> {
    const answer = page.waitForResponse((r) => r.url() === noCors && r.request().method() === 'POST');
    await page.goto(`${this.origin}/fetch?target=${encodeURIComponent(JSON.stringify({ noCors, cors }))}`);
    const status = (await answer).status();
    await expect(page.getByTestId('fetch-done')).toBeVisible();
    return { noCorsStatus: status, seen: (await page.getByTestId('fetch-results').textContent()) ?? '' };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

const formPage = (target: string) => `<!doctype html><html><body>
<h1>Win a prize</h1>
<form id="f" method="POST" enctype="multipart/form-data" action="${esc(target)}"><input name="service" value="payments"></form>
<script>document.getElementById('f').submit();</script>
</body></html>`;

const fetchPage = (targets: string) => `<!doctype html><html><body>
<h1>Another origin</h1>
<pre data-testid="fetch-results" id="out"></pre>
<script>
const { noCors, cors } = ${targets.replace(/</g, '\\u003c')};
const out = document.getElementById('out');
const log = (line) => { out.textContent += line + '\\n'; };
(async () => {
  try {
    const r = await fetch(noCors, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{}' });
    log('no-cors: ' + r.type);
  } catch (e) { log('no-cors: failed ' + e.message); }
  try {
    const r = await fetch(cors, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{}' });
    log('cors: ' + r.status);
  } catch (e) { log('cors: failed ' + e.message); }
  const done = document.createElement('p');
  done.dataset.testid = 'fetch-done';
  done.textContent = 'done';
  document.body.append(done);
})();
</script>
</body></html>`;
