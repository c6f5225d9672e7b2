import { expect, type Page } from '@playwright/test';

/** /topics/<name>: its tabs, the message browser, the produce form, delete. */
export class TopicPage {
  constructor(
    private readonly page: Page,
    readonly name: string,
  ) {}

  async goto(tab = 'messages', query = '') {
    await this.page.goto(`/topics/${encodeURIComponent(this.name)}?tab=${tab}${query}`);
    await expect(this.page.getByTestId('topic-name')).toHaveText(this.name);
  }

  messageRow(partition: number, offset: number) {
    return this.page.getByTestId(`messages-row-${partition}-${offset}`);
  }

  /** Offsets shown in the message table, in order (newest first). */
  async shownOffsets(): Promise<number[]> {
    const cells = this.page.getByTestId('messages-table').locator('tbody tr:not(.detail) td:nth-child(2)');
    return (await cells.allInnerTexts()).map(Number);
  }

  /** `time` is what is typed into the time input (UTC), e.g. "2026-01-15T12:05". */
  async browse(opts: {
    partition?: number | 'all';
    start?: 'newest' | 'oldest' | 'offset' | 'timestamp';
    offset?: number;
    time?: string;
    filter?: string;
    field?: 'key' | 'value' | 'any';
  }) {
    if (opts.partition !== undefined) await this.page.getByTestId('messages-partition').selectOption(String(opts.partition));
    if (opts.start) await this.page.getByTestId('messages-start').selectOption(opts.start);
    if (opts.offset !== undefined) await this.page.getByTestId('messages-offset').fill(String(opts.offset));
    if (opts.time !== undefined) await this.page.getByTestId('messages-timestamp').fill(opts.time);
    if (opts.filter !== undefined) await this.page.getByTestId('messages-filter').fill(opts.filter);
    if (opts.field) await this.page.getByTestId('messages-filter-field').selectOption(opts.field);
    await this.page.getByTestId('messages-go').click();
  }

  /** Pages with Newer (or Older) until it is disabled; the offsets of every page, in order. */
  async pageAll(direction: 'newer' | 'older'): Promise<number[][]> {
    const pages = [await this.shownOffsets()];
    const button = this.page.getByTestId(`messages-${direction}`);
    for (let i = 0; i < 100 && (await button.isEnabled()); i++) {
      const before = pages[pages.length - 1].join(',');
      await button.click();
      await expect.poll(async () => (await this.shownOffsets()).join(',')).not.toBe(before);
      await expect(this.page.getByTestId('messages-browser')).not.toContainText('loading…');
      pages.push(await this.shownOffsets());
    }
    return pages;
  }

  async produce(opts: { key?: string; value: string; format?: 'json' | 'text'; partition?: number }) {
    await this.page.getByTestId(`produce-format-${opts.format ?? 'json'}`).click();
    if (opts.key) await this.page.getByTestId('produce-key').fill(opts.key);
    await this.page.getByTestId('produce-value').fill(opts.value);
    if (opts.partition !== undefined) await this.page.getByTestId('produce-partition').selectOption(String(opts.partition));
    await this.page.getByTestId('produce-submit').click();
    const result = this.page.getByTestId('produce-result');
    await expect(result).toBeVisible();
    const [partition, offset] = (await result.locator('strong').allInnerTexts()).map(Number);
    return { partition, offset };
  }

  async delete() {
    await this.page.getByTestId('topics-delete-open').click();
    const dialog = this.page.getByTestId('topics-delete-dialog');
    await expect(dialog.getByTestId('topics-delete-submit')).toBeDisabled();
    await dialog.getByTestId('topics-delete-confirm').fill(this.name);
    await dialog.getByTestId('topics-delete-submit').click();
  }
}
