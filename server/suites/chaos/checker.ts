import { decodeRecord } from './record-codec';

/**
 * The chaos suite's verdict, from what the harness saw: every id a producer sent, every acknowledgement,
 * the log as read back from offset 0, and every record the consumer group processed with the ownership
 * span (one member owning one partition, from assignment to revocation) it was processed in.
 * Pure: the unit tests feed it small synthetic inputs.
 */
export interface LogRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

export interface PartitionBounds {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
}

export interface Ack {
  id: string;
  partition: number;
  offset: number;
}

/** One record handed to a member's handler. `seq` orders all processings of the run. */
export interface Processing {
  seq: number;
  span: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

/**
 * One member's ownership of one partition. `lost` says how it ended (null: still owned when the run
 * ended); `lastCommit` is the highest offset the member had committed for it while it owned it (null: none).
 */
export interface Span {
  id: string;
  member: string;
  partition: number;
  lost: 'revoked' | 'fenced' | null;
  lastCommit: number | null;
}

export interface Observations {
  sent: ReadonlySet<string>;
  acks: readonly Ack[];
  partitions: readonly PartitionBounds[];
  log: readonly LogRecord[];
  processed: readonly Processing[];
  spans: readonly Span[];
  /** The group's committed offset per partition once its members have left (absent: never committed). */
  committed: ReadonlyArray<{ partition: number; offset: number }>;
}

export interface Counts {
  /** Records whose send was acknowledged. */
  acknowledged: number;
  /** Acknowledged ids found nowhere in the log. */
  lost: number;
  /** Acknowledged ids in the log, but not at the partition and offset the acknowledgement gave. */
  misplaced: number;
  /** Extra copies: one id at n offsets counts n - 1. */
  duplicated: number;
  /** Records whose value does not decode, whose checksum or key disagrees, or whose id nobody sent. */
  corrupted: number;
  /** Offsets missing between a partition's log start and its high watermark (offsets are dense). */
  gaps: number;
  /** Ids in the log whose send was never acknowledged (the answer was lost, or the send gave up): fine. */
  unacknowledgedPresent: number;
  logRecords: number;
  processed: number;
  /** Processings of an offset after its first one. */
  processedTwice: number;
  /** Of those, the ones that are not uncommitted work of a member that lost the partition. */
  processedTwiceUnexplained: number;
  /** Records in the log the group never processed. */
  unprocessed: number;
  /** Processings whose record is not the one the log holds at that offset now. */
  processedNotInLog: number;
  /** Partitions whose committed offset is not their high watermark after the group processed all and left. */
  commitsNotAtEnd: number;
}

/** The counts that must be 0, with what each breaks. */
export const INVARIANTS: ReadonlyArray<[keyof Counts, string]> = [
  ['lost', 'an acknowledged record is not in the log'],
  ['misplaced', 'an acknowledged record is not at its acknowledged offset'],
  ['duplicated', 'a record is in the log twice'],
  ['corrupted', 'a record in the log is damaged'],
  ['gaps', 'offsets are not dense'],
  ['processedTwiceUnexplained', 'the group processed committed work again'],
  ['unprocessed', 'the group never processed a record'],
  ['processedNotInLog', 'the group processed a record the log does not hold'],
  ['commitsNotAtEnd', "the group's final commit is not at the end of a partition"],
];

export interface Verdict {
  counts: Counts;
  /** The broken invariants, as sentences with their counts. */
  failures: string[];
  /** A few examples of each violation, for a replay. */
  examples: string[];
}

const EXAMPLES_PER_KIND = 3;

export function check(obs: Observations): Verdict {
  const examples: string[] = [];
  const noted = new Map<string, number>();
  const example = (kind: string, text: string) => {
    const n = noted.get(kind) ?? 0;
    if (n < EXAMPLES_PER_KIND) examples.push(`${kind}: ${text}`);
    noted.set(kind, n + 1);
  };
  const at = (partition: number, offset: number) => `${partition}:${offset}`;

  // The log: where each id is, what is damaged, which offsets are missing.
  const placesById = new Map<string, string[]>();
  const logAt = new Map<string, LogRecord>();
  let corrupted = 0;
  for (const r of obs.log) {
    logAt.set(at(r.partition, r.offset), r);
    const { ok, id } = decodeRecord(r.key, r.value);
    if (!ok || id === null || !obs.sent.has(id)) {
      corrupted++;
      example('corrupted', `partition ${r.partition} offset ${r.offset}: ${JSON.stringify(r.value)?.slice(0, 120)}`);
    }
    if (id !== null) placesById.set(id, [...(placesById.get(id) ?? []), at(r.partition, r.offset)]);
  }
  let gaps = 0;
  for (const b of obs.partitions) {
    for (let o = b.logStartOffset; o < b.highWatermark; o++) {
      if (logAt.has(at(b.partition, o))) continue;
      gaps++;
      example('gap', `partition ${b.partition} offset ${o} (log start ${b.logStartOffset}, high watermark ${b.highWatermark})`);
    }
  }
  let duplicated = 0;
  for (const [id, places] of placesById) {
    if (places.length < 2) continue;
    duplicated += places.length - 1;
    example('duplicated', `${id} at ${places.join(', ')}`);
  }

  // Acknowledgements against the log.
  let lost = 0;
  let misplaced = 0;
  const acked = new Set<string>();
  for (const a of obs.acks) {
    acked.add(a.id);
    const places = placesById.get(a.id);
    if (!places) {
      lost++;
      example('lost', `${a.id} acknowledged at ${at(a.partition, a.offset)}`);
    } else if (!places.includes(at(a.partition, a.offset))) {
      misplaced++;
      example('misplaced', `${a.id} acknowledged at ${at(a.partition, a.offset)}, found at ${places.join(', ')}`);
    }
  }
  let unacknowledgedPresent = 0;
  for (const id of placesById.keys()) if (obs.sent.has(id) && !acked.has(id)) unacknowledgedPresent++;

  // The group: each processing against the log, and every repeat against the span that processed it before.
  const spans = new Map(obs.spans.map((s) => [s.id, s]));
  const previous = new Map<string, Processing>();
  let processedTwice = 0;
  let processedTwiceUnexplained = 0;
  let processedNotInLog = 0;
  for (const p of [...obs.processed].sort((x, y) => x.seq - y.seq)) {
    const where = at(p.partition, p.offset);
    const r = logAt.get(where);
    if (!r || r.key !== p.key || r.value !== p.value) {
      processedNotInLog++;
      example('processed-not-in-log', `${where} processed in span ${p.span}: ${JSON.stringify(p.value)?.slice(0, 120)}`);
    }
    const before = previous.get(where);
    previous.set(where, p);
    if (!before) continue;
    processedTwice++;
    const why = unexplainedRepeat(before, p, spans);
    if (why) {
      processedTwiceUnexplained++;
      example('processed-twice', `${where} again in span ${p.span}: ${why}`);
    }
  }
  let unprocessed = 0;
  for (const r of obs.log) {
    if (previous.has(at(r.partition, r.offset))) continue;
    unprocessed++;
    example('unprocessed', at(r.partition, r.offset));
  }

  const committed = new Map(obs.committed.map((c) => [c.partition, c.offset]));
  let commitsNotAtEnd = 0;
  for (const b of obs.partitions) {
    const c = committed.get(b.partition) ?? 0;
    if (c === b.highWatermark) continue;
    commitsNotAtEnd++;
    example('commit', `partition ${b.partition} committed at ${c}, high watermark ${b.highWatermark}`);
  }

  const counts: Counts = {
    acknowledged: obs.acks.length,
    lost,
    misplaced,
    duplicated,
    corrupted,
    gaps,
    unacknowledgedPresent,
    logRecords: obs.log.length,
    processed: obs.processed.length,
    processedTwice,
    processedTwiceUnexplained,
    unprocessed,
    processedNotInLog,
    commitsNotAtEnd,
  };
  const failures = INVARIANTS.filter(([k]) => counts[k] > 0).map(([k, what]) => `${what} (${k}: ${counts[k]})`);
  return { counts, failures, examples };
}

/**
 * Why processing `again` of an offset that `before` processed is not allowed, or null if it is: the
 * member of `before` must have lost the partition (revoked or fenced), and the offset must be at or above
 * what it had committed by then (everything below its commit was done and must not be handed out again).
 */
function unexplainedRepeat(before: Processing, again: Processing, spans: Map<string, Span>): string | null {
  const span = spans.get(before.span);
  if (!span) return `span ${before.span} unknown`;
  if (before.span === again.span) return `processed twice in one ownership (span ${span.id})`;
  if (span.lost === null) return `span ${span.id} (member ${span.member}) still owned the partition`;
  if (span.lastCommit !== null && before.offset < span.lastCommit)
    return `below the commit (${span.lastCommit}) of span ${span.id} (member ${span.member}, ${span.lost})`;
  return null;
}
