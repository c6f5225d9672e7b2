import { chromium } from '@playwright/test';

const base = process.env.BASE ?? 'http://127.0.0.1:3300';
const pages = (
  process.env.PAGES ??
  '/,/topics,/topics/orders,/topics/orders?tab=partitions,/topics/orders?tab=consumers,/topics/orders?tab=configs,/topics/orders?tab=produce,/topics/orders/0/3,/groups,/groups/inventory'
).split(',');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
for (const scheme of (process.env.SCHEMES ?? 'light,dark').split(',') as Array<'light' | 'dark'>) {
  const ctx = await browser.newContext({ viewport: { width: Number(process.env.W ?? 1280), height: 900 }, colorScheme: scheme });
  const page = await ctx.newPage();
  page.on('console', (m) => m.type() === 'error' && console.log('console error', m.text()));
  for (const p of pages) {
    await page.goto(base + p, { waitUntil: 'networkidle' }).catch(() => {});
    await page.waitForTimeout(800);
    const file = `/tmp/shots/${scheme}-${p.replace(/[^a-z0-9]+/gi, '_') || 'home'}.png`;
    await page.screenshot({ path: file, fullPage: true });
    console.log(file);
  }
  await ctx.close();
}
await browser.close();
