import { expect, type Page } from '@playwright/test';

/** /audit: the log, its filters and pages. */
export class AuditPage {
  constructor(private readonly page: Page) {}

  async goto(filter: { actor?: string; action?: string } = {}) {
    const sp = new URLSearchParams(filter);
    await this.page.goto(sp.size ? `/audit?${sp}` : '/audit');
    await expect(this.page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  }

  async filter(actor: string, action: string) {
    await this.page.getByTestId('audit-filter-actor').fill(actor);
    await this.page.getByTestId('audit-filter-action').fill(action);
    await this.page.getByTestId('audit-filter-apply').click();
  }

  get table() {
    return this.page.getByTestId('audit-table');
  }

  get actions() {
    return this.page.getByTestId('audit-action');
  }
}
