import { expect, type Page } from '@playwright/test';

/** /groups/<id>: state, lag, chart, and the reset-offsets dialog. */
export class GroupPage {
  constructor(
    private readonly page: Page,
    readonly groupId: string,
  ) {}

  async goto() {
    await this.page.goto(`/groups/${encodeURIComponent(this.groupId)}`);
    await expect(this.page.getByTestId('group-id')).toHaveText(this.groupId);
  }

  async resetOffsets(to: 'earliest' | 'latest' | 'offset', offset?: number) {
    await this.page.getByTestId('group-reset-open').click();
    const dialog = this.page.getByTestId('reset-dialog');
    await dialog.getByTestId('reset-target').selectOption(to);
    if (offset !== undefined) await dialog.getByTestId('reset-offset').fill(String(offset));
    await dialog.getByTestId('reset-dry-run').click();
    await expect(dialog.getByTestId('reset-preview')).toBeVisible();
    await dialog.getByTestId('reset-apply').click();
    return dialog;
  }
}
