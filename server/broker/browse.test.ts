import { describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { testBackends, uniqueName } from '@/db/testing';
import type { Broker, BrowseResult } from './index';
import { maintainLogs } from './log/maintenance';
import { expectKafkaError, testBroker } from './testing';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe.each(testBackends())('message browser on %s', (backend) => {
  let db: Database;
  let broker: Broker;
  testBroker(backend, (env) => ({ db, broker } = env));

  /**
   * A compacted topic with long gaps: per partition, 200 updates of 4 keys (offsets 0..199), then
   * 30 distinct keys. Compaction keeps only the newest record of each key, in sealed segments.
   */
  async function compactedTopic(partitions: number): Promise<{ topic: string; live: Map<number, number[]> }> {
    const topic = uniqueName('browse-compact');
    await broker.createTopic({ name: topic, partitions, configs: { 'cleanup.policy': 'compact', 'segment.records': 40 } });
    const t0 = Date.now() - 120_000;
    for (let p = 0; p < partitions; p++) {
      const records = [
        ...Array.from({ length: 200 }, (_, i) => ({
          key: enc(`hot${i % 4}`),
          value: enc(`p${p}-hot-${i}`),
          partition: p,
          timestamp: t0 + i,
        })),
        ...Array.from({ length: 30 }, (_, i) => ({
          key: enc(`cold${i}`),
          value: enc(`p${p}-cold-${i}`),
          partition: p,
          timestamp: t0 + 200 + i,
        })),
        // Fills the active segment [240, 280): the records above all sit in sealed (compactable) segments.
        ...Array.from({ length: 10 }, (_, i) => ({
          key: enc(`tail${i}`),
          value: enc(`p${p}-tail-${i}`),
          partition: p,
          timestamp: t0 + 230 + i,
        })),
      ];
      await broker.produce(topic, records);
    }
    await broker.produce(
      topic,
      Array.from({ length: partitions }, (_, p) => ({ key: enc('tail0'), value: enc('x'), partition: p, timestamp: t0 + 300 })),
    );
    const report = await maintainLogs(db, Date.now(), [topic]);
    expect(report.recordsCompacted).toBeGreaterThan(0);
    const live = new Map<number, number[]>();
    for (let p = 0; p < partitions; p++) {
      const { records } = await broker.fetch({ topic, partition: p, offset: 0, maxRecords: 1000 });
      live.set(
        p,
        records.map((r) => r.offset),
      );
    }
    // The gap this test is about: hot0..hot3 survive only at 196..199, so offsets 0..195 are empty.
    expect(live.get(0)![0]).toBe(196);
    return { topic, live };
  }

  const offsetsOf = (page: BrowseResult, partition: number) => page.records.filter((r) => r.partition === partition).map((r) => r.offset);

  it('pages a compacted topic from Oldest by existing records: every page full until the end, none skipped', async () => {
    const { topic, live } = await compactedTopic(1);
    const all = live.get(0)!;
    const seen: number[] = [];
    let page = await broker.browse({ topic, partitions: [0], start: 'oldest', pageSize: 10 });
    for (let i = 0; ; i++) {
      const offsets = offsetsOf(page, 0);
      expect(offsets.length, `page ${i}`).toBe(Math.min(10, all.length - seen.length));
      seen.push(...[...offsets].sort((a, b) => a - b));
      if (!page.hasNewer) break;
      expect(i).toBeLessThan(10);
      page = await broker.browse({ topic, partitions: [0], window: page.window, direction: 'forward', pageSize: 10 });
    }
    expect(seen).toEqual(all);
    // And back again from the end: Older pages are full too, and meet the start exactly.
    const back: number[] = [];
    page = await broker.browse({ topic, partitions: [0], start: 'newest', pageSize: 10 });
    for (let i = 0; ; i++) {
      const offsets = offsetsOf(page, 0);
      expect(offsets.length, `older page ${i}`).toBe(Math.min(10, all.length - back.length));
      back.unshift(...[...offsets].sort((a, b) => a - b));
      if (!page.hasOlder) break;
      expect(i).toBeLessThan(10);
      page = await broker.browse({ topic, partitions: [0], window: page.window, direction: 'backward', pageSize: 10 });
    }
    expect(back).toEqual(all);
  });

  it('a start offset inside a compaction gap opens at the next existing record', async () => {
    const { topic, live } = await compactedTopic(1);
    const page = await broker.browse({ topic, partitions: [0], start: { offset: 5 }, pageSize: 3 });
    expect(offsetsOf(page, 0).sort((a, b) => a - b)).toEqual(live.get(0)!.slice(0, 3));
    expect(page.hasOlder).toBe(false);
  });

  it('pages every partition of a compacted topic together: pages full across partitions, none skipped', async () => {
    const { topic, live } = await compactedTopic(3);
    const total = [...live.values()].reduce((n, o) => n + o.length, 0);
    const seen = new Map<number, number[]>([0, 1, 2].map((p) => [p, []]));
    let count = 0;
    let page = await broker.browse({ topic, start: 'oldest', pageSize: 25 });
    for (let i = 0; ; i++) {
      expect(page.records.length, `page ${i}`).toBe(Math.min(25, total - count));
      count += page.records.length;
      for (const r of page.records) seen.get(r.partition)!.push(r.offset);
      if (!page.hasNewer) break;
      expect(i).toBeLessThan(10);
      page = await broker.browse({ topic, window: page.window, direction: 'forward', pageSize: 25 });
    }
    for (const [p, offsets] of seen) expect(offsets.sort((a, b) => a - b)).toEqual(live.get(p));
  });

  it('a filter pages through a compacted topic too: every match once, no empty page before the end', async () => {
    const { topic } = await compactedTopic(2);
    const seen: string[] = [];
    let page = await broker.browse({ topic, start: 'oldest', pageSize: 7, filter: { text: 'COLD', field: 'value' } });
    for (let i = 0; ; i++) {
      expect(page.records.length, `page ${i}`).toBe(Math.min(7, 60 - seen.length));
      seen.push(...page.records.map((r) => dec(r.value)!));
      if (!page.hasNewer) break;
      expect(i).toBeLessThan(10);
      page = await broker.browse({
        topic,
        window: page.window,
        direction: 'forward',
        pageSize: 7,
        filter: { text: 'cold', field: 'value' },
      });
    }
    expect(seen.sort()).toEqual([0, 1].flatMap((p) => Array.from({ length: 30 }, (_, i) => `p${p}-cold-${i}`)).sort());
  });

  it('refuses a negative start offset', async () => {
    const topic = uniqueName('browse-negative');
    await broker.createTopic({ name: topic, partitions: 1 });
    await expectKafkaError(broker.browse({ topic, start: { offset: -1 } }), 'OFFSET_OUT_OF_RANGE');
  });

  it('lists a page newest first, as the live tail does', async () => {
    const topic = uniqueName('browse-order');
    await broker.createTopic({ name: topic, partitions: 2 });
    const t0 = Date.now() - 60_000;
    await broker.produce(
      topic,
      Array.from({ length: 20 }, (_, i) => ({ value: enc(`v${i}`), partition: i % 2, timestamp: t0 + i })),
    );
    for (const req of [{ start: 'newest' as const }, { start: 'oldest' as const }]) {
      const page = await broker.browse({ topic, ...req, pageSize: 6 });
      const times = page.records.map((r) => r.timestamp);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(page.records.map((r) => dec(r.value))).toEqual(
        req.start === 'newest' ? ['v19', 'v18', 'v17', 'v16', 'v15', 'v14'] : ['v5', 'v4', 'v3', 'v2', 'v1', 'v0'],
      );
    }
  });
});
