import { expect, type Locator, type Page } from '@playwright/test';

type Service = 'inventory' | 'email';

/** /learn/online-store: the example's service cards, controls and the picture of partitions. */
export class ShopPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/learn/online-store');
    await expect(this.page.getByTestId('shop-story')).toBeVisible();
  }

  /** Starts the example unless it runs already; waits for both services' cards. */
  async start() {
    const start = this.page.getByTestId('shop-start');
    await expect(start.or(this.page.getByTestId('shop-inventory-service'))).toBeVisible();
    if (await start.isVisible()) await start.click();
    await expect(this.page.getByTestId('shop-inventory-service')).toBeVisible();
    await expect(this.page.getByTestId('shop-email-service')).toBeVisible();
  }

  async placeOrder(customer: string, item: string, quantity: number) {
    const before = await this.page
      .getByTestId('shop-order-result')
      .textContent({ timeout: 100 })
      .catch(() => null);
    await this.page.getByTestId('shop-order-customer').fill(customer);
    await this.page.getByTestId('shop-order-item').selectOption(item);
    await this.page.getByTestId('shop-order-quantity').fill(String(quantity));
    await this.page.getByTestId('shop-order-submit').click();
    // Each order answers with its own id, partition and offset: wait for this one's.
    await expect(this.page.getByTestId('shop-order-result')).not.toHaveText(before ?? '');
    await expect(this.page.getByTestId('shop-order-submit')).toBeEnabled();
  }

  stock(item: string): Locator {
    return this.page.getByTestId(`shop-stock-${item}`);
  }

  async stockOf(item: string): Promise<number> {
    return Number(((await this.stock(item).textContent()) ?? '').replaceAll(',', ''));
  }

  lag(service: Service): Locator {
    return this.page.getByTestId(`shop-${service}-lag`);
  }

  outboxSize(): Locator {
    return this.page.getByTestId('shop-outbox-size');
  }

  members(service: Service): Locator {
    return this.page.getByTestId(`shop-${service}-member`);
  }

  /** Each member's partitions, as the card lists them ("0,2" → [0, 2]). */
  async assignment(service: Service): Promise<Array<{ memberId: string; partitions: number[] }>> {
    return this.members(service).evaluateAll((els) =>
      els.map((el) => ({
        memberId: el.getAttribute('data-member-id') ?? '',
        partitions: (el.getAttribute('data-partitions') ?? '').split(',').filter(Boolean).map(Number),
      })),
    );
  }

  /** Who owns a lane for a service, as the picture colours it. */
  laneOwner(partition: number, service: Service): Locator {
    return this.page.getByTestId(`shop-lane-${partition}-owner-${service}`);
  }

  async click(service: Service, control: 'add-member' | 'remove-member' | 'pause' | 'crash') {
    await this.page.getByTestId(`shop-${service}-${control}`).click();
  }

  /** Replay through the dialog that walks through stop → reset to earliest → start; `shot` saves the dialog. */
  async replay(service: Service, shot?: string) {
    await this.page.getByTestId(`shop-${service}-replay`).click();
    const dialog = this.page.getByTestId(`shop-${service}-replay-dialog`);
    if (shot) await dialog.screenshot({ path: shot });
    await dialog.getByTestId(`shop-${service}-replay-confirm`).click();
    await expect(dialog.getByTestId(`shop-${service}-replay-done`)).toBeVisible({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Done', exact: true }).click();
  }

  /** Reset example: confirm, wait until it has stopped (the Start button is back), start again. */
  async reset() {
    await this.page.getByTestId('shop-reset').click();
    await this.page.getByTestId('shop-reset-confirm').click();
    await expect(this.page.getByTestId('shop-reset-dialog')).toBeHidden({ timeout: 30_000 });
    await this.page.getByTestId('shop-start').click();
    await expect(this.page.getByTestId('shop-inventory-service')).toBeVisible();
  }

  async setRate(perSecond: number) {
    await this.page.getByTestId('shop-generator-rate').fill(String(perSecond));
    await expect(this.page.getByTestId('shop-generator-value')).toHaveText(String(perSecond));
  }
}
