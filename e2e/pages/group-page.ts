import { expect, type Locator, type Page } from '@playwright/test';

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

  /** A partition's row of the lag table. */
  partition(topic: string, partition: number): Locator {
    return this.page.getByTestId(`group-partition-${topic}-${partition}`);
  }

  clearsIn(topic: string, partition: number): Locator {
    return this.page.getByTestId(`group-partition-clears-${topic}-${partition}`);
  }

  async openReset(): Promise<Locator> {
    await this.page.getByTestId('group-reset-open').click();
    return this.page.getByTestId('reset-dialog');
  }

  /** Fills the form and runs a dry run; `value` is the offset, or the time (UTC) as "YYYY-MM-DDTHH:MM:SS". */
  async dryRun(dialog: Locator, to: 'earliest' | 'latest' | 'offset' | 'timestamp', value?: string) {
    await dialog.getByTestId('reset-target').selectOption(to);
    if (value !== undefined) await dialog.getByTestId(to === 'timestamp' ? 'reset-time' : 'reset-offset').fill(value);
    await dialog.getByTestId('reset-dry-run').click();
  }

  /** The preview's new offsets, by partition. */
  async previewOffsets(dialog: Locator): Promise<number[]> {
    const cells = dialog.getByTestId('reset-preview').locator('tbody tr td:nth-child(3)');
    return (await cells.allInnerTexts()).map((t) => Number(t.replaceAll(',', '')));
  }

  async resetOffsets(to: 'earliest' | 'latest' | 'offset', offset?: number) {
    const dialog = await this.openReset();
    await this.dryRun(dialog, to, offset === undefined ? undefined : String(offset));
    await expect(dialog.getByTestId('reset-preview')).toBeVisible();
    await dialog.getByTestId('reset-apply').click();
    return dialog;
  }
}
