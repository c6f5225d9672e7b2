import { describe, expect, it } from 'vitest';
import { type Ack, check, type LogRecord, type Observations, type Processing, type Span } from './checker';
import { encodeRecord } from './record-codec';

/** A log of `ids` laid out in partitions as given: `[['a', 'b'], ['c']]` is a, b in partition 0 and c in 1. */
function scenario(partitions: string[][], extra: Partial<Observations> = {}): Observations {
  const log: LogRecord[] = partitions.flatMap((ids, partition) =>
    ids.map((id, offset) => ({ partition, offset, ...encodeRecord(id, 'x') })),
  );
  const acks: Ack[] = log.map((r) => ({ id: r.key!, partition: r.partition, offset: r.offset }));
  const span: Span = { id: 's0', member: 'm0', partition: 0, lost: null, lastCommit: null };
  const spans: Span[] = partitions.map((_, p) => ({ ...span, id: `s${p}`, partition: p }));
  let seq = 0;
  const processed: Processing[] = log.map((r) => ({ seq: seq++, span: `s${r.partition}`, ...r }));
  return {
    sent: new Set(log.map((r) => r.key!)),
    acks,
    partitions: partitions.map((ids, partition) => ({ partition, logStartOffset: 0, highWatermark: ids.length })),
    log,
    processed,
    spans,
    committed: partitions.map((ids, partition) => ({ partition, offset: ids.length })),
    ...extra,
  };
}

describe('chaos checker', () => {
  it('passes a clean run and counts what it saw', () => {
    const v = check(scenario([['a', 'b', 'c'], ['d']]));
    expect(v.failures).toEqual([]);
    expect(v.counts).toMatchObject({ acknowledged: 4, logRecords: 4, processed: 4, lost: 0, duplicated: 0, gaps: 0, processedTwice: 0 });
  });

  it('finds an acknowledged record missing from the log, and one at another offset than acknowledged', () => {
    const obs = scenario([['a', 'b']]);
    const acks = [...obs.acks, { id: 'z', partition: 0, offset: 2 }, { id: 'a', partition: 0, offset: 1 }];
    const v = check({ ...obs, sent: new Set([...obs.sent, 'z']), acks });
    expect(v.counts.lost).toBe(1);
    expect(v.counts.misplaced).toBe(1);
    expect(v.failures.join('\n')).toMatch(/lost: 1/);
    expect(v.examples.join('\n')).toContain('z acknowledged at 0:2');
  });

  it('counts one id at two offsets as a duplicate, and an unacknowledged record as present but fine', () => {
    const obs = scenario([['a', 'b', 'a'], ['c']]);
    const v = check({ ...obs, acks: obs.acks.filter((a) => a.id !== 'c' && a.offset !== 2) });
    expect(v.counts.duplicated).toBe(1);
    expect(v.counts.unacknowledgedPresent).toBe(1);
    expect(v.failures).toHaveLength(1);
    expect(v.examples).toContain('duplicated: a at 0:0, 0:2');
  });

  it('finds missing offsets below the high watermark', () => {
    const obs = scenario([['a', 'b', 'c', 'd']]);
    const log = obs.log.filter((r) => r.offset !== 1 && r.offset !== 2);
    const v = check({ ...obs, log, acks: [], processed: obs.processed.filter((p) => p.offset === 0 || p.offset === 3) });
    expect(v.counts.gaps).toBe(2);
    expect(v.counts.lost).toBe(0);
    expect(v.examples.filter((e) => e.startsWith('gap'))).toHaveLength(2);
  });

  it('a gap from the log start is a gap too, and a high watermark beyond the last record', () => {
    const obs = scenario([['a']]);
    const v = check({ ...obs, partitions: [{ partition: 0, logStartOffset: 0, highWatermark: 3 }] });
    expect(v.counts.gaps).toBe(2);
  });

  it('finds a damaged value, a damaged key and a record nobody sent', () => {
    const obs = scenario([['a', 'b', 'c', 'd']]);
    const log = obs.log.map((r) => {
      if (r.offset === 0) return { ...r, value: r.value!.replace('"pad":"x"', '"pad":"y"') };
      if (r.offset === 1) return { ...r, key: 'other' };
      if (r.offset === 2) return { ...r, value: 'not json' };
      return r;
    });
    const v = check({ ...obs, log, sent: new Set(['a', 'b', 'c']), acks: [], processed: [] });
    expect(v.counts.corrupted).toBe(4);
  });

  it('allows processing twice at or above the last commit of a member that lost the partition', () => {
    const obs = scenario([['a', 'b', 'c', 'd']]);
    const spans: Span[] = [
      { id: 'old', member: 'm0', partition: 0, lost: 'fenced', lastCommit: 2 },
      { id: 'new', member: 'm1', partition: 0, lost: null, lastCommit: 4 },
    ];
    const first = obs.processed.map((p) => ({ ...p, span: 'old' }));
    const again = obs.processed.filter((p) => p.offset >= 2).map((p) => ({ ...p, seq: p.seq + 10, span: 'new' }));
    const v = check({ ...obs, spans, processed: [...first, ...again] });
    expect(v.counts.processedTwice).toBe(2);
    expect(v.counts.processedTwiceUnexplained).toBe(0);
    expect(v.failures).toEqual([]);
  });

  it('refuses processing twice below the commit, within one ownership, or while the first owner still owns it', () => {
    const obs = scenario([['a', 'b', 'c', 'd']]);
    const at = (offset: number, span: string, seq: number) => ({ ...obs.processed[offset], span, seq });
    const spans: Span[] = [
      { id: 'revoked', member: 'm0', partition: 0, lost: 'revoked', lastCommit: 2 },
      { id: 'owner', member: 'm1', partition: 0, lost: null, lastCommit: null },
      { id: 'late', member: 'm2', partition: 0, lost: null, lastCommit: null },
    ];
    const processed = [
      at(0, 'revoked', 0),
      at(1, 'revoked', 1),
      at(1, 'owner', 2), // below the revoked member's commit of 2
      at(2, 'owner', 3),
      at(2, 'owner', 4), // twice in one span
      at(3, 'owner', 5),
      at(3, 'late', 6), // the owner never lost it
      at(0, 'late', 7), // repeats the revoked span's offset 0 (below its commit too)
    ];
    const v = check({ ...obs, spans, processed });
    expect(v.counts.processedTwice).toBe(4);
    expect(v.counts.processedTwiceUnexplained).toBe(4);
    expect(v.examples.join('\n')).toMatch(/below the commit \(2\) of span revoked/);
    expect(v.examples.join('\n')).toMatch(/processed twice in one ownership/);
    expect(v.examples.join('\n')).toMatch(/still owned the partition/);
  });

  it('finds a partition whose final commit is not its high watermark (a restart would process its tail again)', () => {
    const obs = scenario([['a', 'b'], ['c']]);
    const v = check({ ...obs, committed: [{ partition: 0, offset: 1 }] });
    expect(v.counts.commitsNotAtEnd).toBe(2);
    expect(v.examples).toContain('commit: partition 0 committed at 1, high watermark 2');
  });

  it('finds records the group never processed, and processings of records the log does not hold', () => {
    const obs = scenario([['a', 'b', 'c']]);
    const ghost = { ...obs.processed[2], seq: 9, offset: 7, ...encodeRecord('ghost', 'x') };
    const v = check({ ...obs, processed: [obs.processed[0], ghost] });
    expect(v.counts.unprocessed).toBe(2);
    expect(v.counts.processedNotInLog).toBe(1);
    expect(v.failures).toHaveLength(2);
  });
});
