import { expect, type Locator, type Page } from '@playwright/test';

/** /learn: the tour's steps and their widgets. */
export class LearnPage {
  constructor(private readonly page: Page) {}

  static readonly STEPS = [
    'producer',
    'consumer',
    'broker',
    'topic',
    'partition',
    'offset',
    'consumer-group',
    'how-it-works',
    'durability',
  ];

  async goto() {
    await this.page.goto('/learn');
    await expect(this.page.getByRole('heading', { level: 1, name: /Learn Kafka/ })).toBeVisible();
    // The scratch topic exists once its lanes are drawn.
    await expect(this.page.getByTestId('learn-lanes').getByTestId('learn-lane-0')).toBeVisible();
  }

  step(id: string): Locator {
    return this.page.getByTestId(`learn-step-${id}`);
  }

  /** Types a key and waits for the partition the real partitioner gives it. */
  async partitionOf(key: string): Promise<number> {
    await this.page.getByTestId('learn-key-input').fill(key);
    const shown = this.page.getByTestId('learn-key-partition');
    await expect(shown).toHaveText(/^\d+$/);
    return Number(await shown.textContent());
  }

  async sendKey(): Promise<{ partition: number; offset: number }> {
    const sent = this.page.getByTestId('learn-key-sent');
    const before = (await sent.count()) ? await sent.textContent() : null;
    await this.page.getByTestId('learn-key-send').click();
    // The answer of this send, not the previous one's.
    await expect(sent).toHaveText(/partition \d+ at offset \d+/);
    if (before !== null) await expect(sent).not.toHaveText(before);
    const [, partition, offset] = ((await sent.textContent()) ?? '').match(/partition (\d+) at offset (\d+)/) ?? [];
    return { partition: Number(partition), offset: Number(offset) };
  }

  groupPartition(p: number): Locator {
    return this.page.getByTestId(`learn-group-partition-${p}`);
  }

  /** Owner member id of each scratch partition, as the group widget draws it. */
  async owners(): Promise<string[]> {
    return Promise.all(
      [0, 1, 2].map((p) =>
        this.groupPartition(p)
          .getAttribute('data-owner')
          .then((o) => o ?? ''),
      ),
    );
  }

  /** How many members own the three partitions between them; 0 while any partition has no owner. */
  async distinctOwners(): Promise<number> {
    const owners = await this.owners();
    return owners.every(Boolean) ? new Set(owners).size : 0;
  }
}
