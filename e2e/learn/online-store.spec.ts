import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { ShopPage } from '../pages/shop-page';

test.describe.configure({ timeout: 240_000 });

const SHOTS = path.join(import.meta.dirname, '..', 'screenshots');

/** requestAnimationFrame deltas (ms) over `ms` of wall time, measured in the page. */
async function frameTimes(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(
    (duration) =>
      new Promise<number[]>((resolve) => {
        const deltas: number[] = [];
        let last = performance.now();
        const end = last + duration;
        const tick = (t: number) => {
          deltas.push(t - last);
          last = t;
          if (t < end) requestAnimationFrame(tick);
          else resolve(deltas);
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

test('the online store: orders flow to inventory and email through Kafka, and the controls teach', async ({
  page,
  browser,
  pageErrors,
}) => {
  const shop = new ShopPage(page);
  await shop.goto();
  await shop.start();
  await expect(shop.members('inventory')).toHaveCount(2);
  await expect(shop.members('email')).toHaveCount(1);

  await test.step('5 orders: stock drops by exactly the ordered quantities, 5 emails', async () => {
    const orders: Array<[string, string, number]> = [
      ['alice', 'keyboard', 2],
      ['bob', 'mouse', 1],
      ['carol', 'monitor', 3],
      ['alice', 'keyboard', 1],
      ['dave', 'headset', 4],
    ];
    const items = [...new Set(orders.map((o) => o[1]))];
    const before = new Map<string, number>();
    for (const item of items) before.set(item, await shop.stockOf(item));
    // A fresh database: the outbox starts empty, so the five orders are its five emails.
    await expect(shop.outboxSize()).toHaveText('0');
    for (const [customer, item, quantity] of orders) await shop.placeOrder(customer, item, quantity);
    for (const item of items) {
      const ordered = orders.filter((o) => o[1] === item).reduce((n, o) => n + o[2], 0);
      await expect(shop.stock(item)).toHaveText(String((before.get(item) ?? 0) - ordered));
    }
    await expect(shop.outboxSize()).toHaveText('5');
    await expect(page.getByTestId('shop-outbox-email')).toHaveCount(5);
  });

  await test.step('pause email, 3 orders: email lag 3, inventory lag 0; resume: lag 0', async () => {
    await shop.click('email', 'pause');
    await expect(page.getByTestId('shop-email-pause')).toHaveAttribute('aria-pressed', 'true');
    for (let i = 0; i < 3; i++) await shop.placeOrder(`eve-${i}`, 'webcam', 1);
    await expect(shop.lag('email')).toHaveText('3');
    await expect(shop.lag('inventory')).toHaveText('0');
    await expect(page.getByTestId('shop-decoupling')).toBeVisible();
    // The picture says the same: the email markers' lag labels add up to 3.
    await expect
      .poll(async () => {
        let sum = 0;
        for (const p of [0, 1, 2]) sum += Number((await page.getByTestId(`shop-lane-${p}-lag-email`).getAttribute('data-lag')) ?? NaN);
        return sum;
      })
      .toBe(3);
    await shop.click('email', 'pause');
    await expect(shop.lag('email')).toHaveText('0');
    await expect(page.getByTestId('shop-decoupling')).toBeHidden();
  });

  await test.step('3 inventory members own one partition each; a 4th sits idle and says why', async () => {
    await shop.click('inventory', 'add-member');
    await expect(shop.members('inventory')).toHaveCount(3);
    await expect.poll(async () => (await shop.assignment('inventory')).map((m) => m.partitions.length)).toEqual([1, 1, 1]);
    const owned = (await shop.assignment('inventory')).flatMap((m) => m.partitions).sort();
    expect(owned).toEqual([0, 1, 2]);
    const owners = new Set<string>();
    for (const p of [0, 1, 2]) {
      await expect(shop.laneOwner(p, 'inventory')).not.toHaveAttribute('data-owner', '');
      owners.add((await shop.laneOwner(p, 'inventory').getAttribute('data-owner')) ?? '');
    }
    expect(owners.size).toBe(3);
    await shop.click('inventory', 'add-member');
    await expect(shop.members('inventory')).toHaveCount(4);
    await expect(page.getByTestId('shop-inventory-member-idle')).toHaveCount(1);
    await expect(page.getByTestId('shop-inventory-member-idle')).toContainText('with 3 partitions');
    await shop.click('inventory', 'remove-member');
    await expect(shop.members('inventory')).toHaveCount(3);
    await expect.poll(async () => (await shop.assignment('inventory')).map((m) => m.partitions.length)).toEqual([1, 1, 1]);
  });

  await test.step('crash a member: after its session times out, its partition moves', async () => {
    await shop.click('inventory', 'crash');
    const crashed = page.locator('[data-testid="shop-inventory-member"][data-crashed="true"]');
    await expect(crashed).toHaveCount(1);
    await expect(page.getByTestId('shop-inventory-member-crashed')).toContainText(/session times out in \d+ s/);
    await page.getByTestId('shop-inventory-service').screenshot({ path: path.join(SHOTS, 'online-store-crash-wide-light.png') });
    const id = (await crashed.getAttribute('data-member-id')) ?? '';
    const partition = Number(await crashed.getAttribute('data-partitions'));
    await expect(page.locator(`[data-testid="shop-inventory-member"][data-member-id="${id}"]`)).toHaveCount(0, { timeout: 30_000 });
    await expect(shop.laneOwner(partition, 'inventory')).not.toHaveAttribute('data-owner', id);
    await expect(shop.laneOwner(partition, 'inventory')).not.toHaveAttribute('data-owner', '');
  });

  await test.step('replay inventory: stock unchanged; replay email: every email sent again', async () => {
    const items = ['keyboard', 'mouse', 'monitor', 'headset', 'webcam'];
    const stock = new Map<string, string>();
    for (const item of items) stock.set(item, (await shop.stock(item).textContent()) ?? '');
    const skipped = Number(await page.getByTestId('shop-inventory-skipped').textContent());
    await shop.replay('inventory', path.join(SHOTS, 'online-store-replay-wide-light.png'));
    // It did read all 8 orders again, and recognised each by the offset stored with the stock.
    await expect(page.getByTestId('shop-inventory-skipped')).toHaveText(String(skipped + 8), { timeout: 30_000 });
    await expect(shop.lag('inventory')).toHaveText('0');
    for (const item of items) await expect(shop.stock(item)).toHaveText(stock.get(item) ?? '');
    const sent = Number(await shop.outboxSize().textContent());
    await shop.replay('email');
    await expect(shop.outboxSize()).toHaveText(String(sent + 8), { timeout: 30_000 });
    await expect(shop.lag('email')).toHaveText('0');
  });

  await test.step('frame times at 50 orders/s', async () => {
    await shop.setRate(50);
    await expect(page.getByTestId('shop-lane-0-older')).toBeVisible({ timeout: 30_000 });
    const deltas = await frameTimes(page, 5_000);
    console.log(
      `[online-store] frame times at 50 orders/s over 5 s: ${deltas.length} frames, p50 ${percentile(deltas, 50).toFixed(1)} ms, p95 ${percentile(deltas, 95).toFixed(1)} ms, max ${Math.max(...deltas).toFixed(1)} ms`,
    );
  });

  await test.step('reset example asks first, then empties everything', async () => {
    await shop.setRate(0);
    await shop.reset();
    for (const item of ['keyboard', 'mouse', 'monitor', 'headset', 'webcam']) await expect(shop.stock(item)).toHaveText('100');
    await expect(shop.outboxSize()).toHaveText('0');
    await expect(shop.members('inventory')).toHaveCount(2);
  });

  await test.step('screenshots, light and dark, 1280 and 390 px', async () => {
    await shop.setRate(5);
    await expect(page.getByTestId('shop-outbox-email').first()).toBeVisible();
    await shop.click('email', 'pause');
    await expect(page.getByTestId('shop-decoupling')).toBeVisible();
    for (const width of [1280, 390]) {
      for (const scheme of ['light', 'dark'] as const) {
        const ctx = pageErrors.watchContext(
          await browser.newContext({ colorScheme: scheme, viewport: { width, height: width > 500 ? 900 : 844 } }),
        );
        const p = await ctx.newPage();
        await p.goto('/learn/online-store');
        await expect(p.getByTestId('shop-lane-0')).toBeVisible();
        await expect(p.getByTestId('shop-decoupling')).toBeVisible();
        // Usable at 390 px: nothing scrolls sideways.
        expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        await p.screenshot({ path: path.join(SHOTS, `online-store-${width > 500 ? 'wide' : 'narrow'}-${scheme}.png`), fullPage: true });
        await ctx.close();
      }
    }
    await shop.setRate(0);
    await shop.click('email', 'pause');
  });
});
