import { expect, test, uniqueTopic } from '../fixtures';

/**
 * Rates and lag are samples (every second in this run, 10 s by default): the charts draw those points
 * joined by straight lines, never a smoothed curve that invents values between them.
 */
test('the throughput chart draws its samples: straight segments and one dot per sample, time axis in UTC', async ({ page, api }) => {
  const topic = uniqueTopic('chart');
  await api.mutate('topics.create', { name: topic, partitions: 1 });
  for (let i = 0; i < 4; i++) {
    await api.mutate('records.produce', { topic, records: Array.from({ length: 50 * (i + 1) }, (_, j) => ({ value: String(j) })) });
    await page.waitForTimeout(1100);
  }
  await page.goto('/');
  const chart = page.getByTestId('overview-rates-chart');
  await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
  const curve = chart.locator('path.recharts-line-curve').first();
  await expect(curve).toHaveAttribute('d', /L/);
  const d = (await curve.getAttribute('d'))!;
  expect(d, 'a smoothed (cubic) path').not.toMatch(/C/);
  // Read together: the chart refetches, so the count may grow between two separate reads.
  const drawn = await chart.evaluate((el) => ({
    points: Number(el.getAttribute('data-points')),
    dots: el.querySelector('.recharts-line-dots')?.querySelectorAll('circle').length ?? 0,
  }));
  expect(drawn.dots).toBe(drawn.points);
  await expect(chart).toContainText('UTC');
});
