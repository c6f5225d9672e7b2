import { expect, type Page } from '@playwright/test';

/** /topics: the table, search, and the create dialog. */
export class TopicsPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/topics');
    await expect(this.page.getByRole('heading', { name: 'Topics', level: 1 })).toBeVisible();
  }

  row(name: string) {
    return this.page.getByTestId(`topics-row-${name}`);
  }

  async create(name: string, partitions: number) {
    await this.page.getByTestId('topics-create-open').click();
    const dialog = this.page.getByTestId('topics-create-dialog');
    await dialog.getByTestId('topics-create-name').fill(name);
    await dialog.getByTestId('topics-create-partitions').fill(String(partitions));
    await dialog.getByTestId('topics-create-submit').click();
  }
}
