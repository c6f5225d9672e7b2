import { expect, test, uniqueTopic } from '../fixtures';
import { TopicPage } from '../pages/topic-page';

test.use({ viewport: { width: 390, height: 844 } });

test('at 390 px the messages are cards: nothing scrolls sideways, key and value are on screen, every action is reachable', async ({
  page,
  api,
}) => {
  const name = uniqueTopic('ui-narrow-orders-with-a-long-name');
  await api.mutate('topics.create', { name, partitions: 3 });
  await api.mutate('records.produce', {
    topic: name,
    records: Array.from({ length: 120 }, (_, i) => ({
      key: `customer-${String(i % 17).padStart(4, '0')}-${'x'.repeat(30)}`,
      value: JSON.stringify({
        orderId: i,
        sku: ['A-1', 'B-7', 'C-3'][i % 3],
        note: 'a long note that is much wider than a phone screen '.repeat(3),
      }),
      headers: [{ key: 'source', value: 'web' }],
    })),
  });
  const topic = new TopicPage(page, name);
  await topic.goto();
  const fits = async () => {
    const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    expect(scroll).toBeLessThanOrEqual(width);
  };
  const onScreen = async (testId: string) => {
    const box = (await page.getByTestId(testId).first().boundingBox())!;
    expect(box.width).toBeGreaterThan(0);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  };
  await fits();
  const [first] = (await topic.shownOffsets()).slice(0, 1);
  expect(first).toBeDefined();
  const row = page.getByTestId('messages-table').locator('tbody tr').first();
  const id = (await row.getAttribute('data-testid'))!.replace('messages-row-', '');
  await expect(page.getByTestId(`messages-key-${id}`)).toContainText('customer-');
  await expect(page.getByTestId(`messages-value-${id}`)).toContainText('orderId');
  await onScreen(`messages-key-${id}`);
  await onScreen(`messages-value-${id}`);
  // Every control of the browser is within the screen.
  for (const t of [
    'messages-partition',
    'messages-start',
    'messages-filter',
    'messages-filter-field',
    'messages-go',
    'messages-live-toggle',
    'messages-older',
    'messages-newer',
  ])
    await onScreen(t);
  // Paging, opening a record, jumping and the live tail all keep within the width.
  await page.getByTestId('messages-older').click();
  await expect(page.getByTestId('messages-newer')).toBeEnabled();
  await fits();
  const next = page.getByTestId('messages-table').locator('tbody tr').first();
  const nextId = (await next.getAttribute('data-testid'))!.replace('messages-row-', '');
  await page.getByTestId(`messages-value-${nextId}`).click();
  await expect(page.getByTestId(`messages-detail-value-${nextId}`)).toContainText('"orderId"');
  await onScreen(`messages-detail-value-${nextId}`);
  await fits();
  await topic.browse({ partition: 1, start: 'offset', offset: 10 });
  await expect(topic.messageRow(1, 10)).toHaveAttribute('aria-current', 'true');
  await onScreen('messages-offset');
  await fits();
  await page.getByTestId('messages-start').selectOption('timestamp');
  await onScreen('messages-timestamp');
  await fits();
  await page.getByTestId('messages-live-toggle').click();
  await onScreen('messages-live-pause');
  await fits();
  // The permalink page fits too.
  await page.goto(`/topics/${name}/1/10`);
  await expect(page.getByTestId('record-value')).toContainText('orderId');
  await fits();
});
