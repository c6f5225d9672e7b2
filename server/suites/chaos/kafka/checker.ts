import type { LogRecord, PartitionBounds } from '../checker';
import { decodeRecord } from '../record-codec';

/**
 * The Kafka workload's verdict, from what the harness saw: what each producer sent (in send order) and
 * had acknowledged, the log as read back from offset 0, what each consumer group processed and committed,
 * who was in each group at the end, the clients' fatal errors, and when Postgres came back after each
 * fault. Pure: the unit tests feed it small synthetic inputs.
 */
export interface KafkaAck {
  id: string;
  partition: number;
  offset: number;
  /** When the client had the acknowledgement (ms since the epoch). */
  t: number;
}

export interface ProducerObs {
  name: string;
  /** Idempotent producers may neither duplicate nor reorder; the others may, as Kafka allows (at least once). */
  idempotent: boolean;
  /** Every id it sent, in send order. */
  sent: readonly string[];
  acks: readonly KafkaAck[];
  /** Records the client gave up on (a delivery report with an error, a send that failed after its retries). */
  deliveryFailures: number;
  /** Fatal client errors (librdkafka's error_cb with fatal() true), as text. */
  fatal: readonly string[];
}

export interface Processed {
  member: string;
  partition: number;
  offset: number;
  id: string | null;
  t: number;
}

/** An offset commit that succeeded: the member committed `offset` (the next to read) for the partition at `t`. */
export interface Commit {
  member: string;
  partition: number;
  offset: number;
  t: number;
}

export interface MemberAtEnd {
  member: string;
  /** Its client is running and has not failed fatally. */
  alive: boolean;
  /** The partitions it was assigned at the end. */
  assigned: readonly number[];
}

export interface GroupObs {
  name: string;
  processed: readonly Processed[];
  commits: readonly Commit[];
  /** The group's committed offsets once its members have left (absent: never committed). */
  finalCommitted: ReadonlyArray<{ partition: number; offset: number }>;
  /** Each member as the harness saw it at the end, before they left. */
  members: readonly MemberAtEnd[];
  /** How many members Brook listed for the group at the end (null: it could not be asked). */
  brookMembers: number | null;
  /** Fatal client errors and crashes that did not restart, as text. */
  fatal: readonly string[];
}

/**
 * A Postgres fault: `backAt` is when pg_ctl start (or restart) returned; `until`, when the next fault
 * struck (absent for the last): an acknowledgement after that one is the next recovery's, not this one's.
 */
export interface Recovery {
  kind: string;
  backAt: number;
  until?: number;
}

export interface KafkaObservations {
  log: readonly LogRecord[];
  partitions: readonly PartitionBounds[];
  producers: readonly ProducerObs[];
  groups: readonly GroupObs[];
  recoveries: readonly Recovery[];
  /** The longest a producer may take to its first acknowledgement after Postgres is back (ms). */
  firstAckBoundMs: number;
}

export interface ProducerCounts {
  sent: number;
  acknowledged: number;
  deliveryFailures: number;
  lost: number;
  misplaced: number;
  /** Extra copies of this producer's ids: one id at n offsets counts n - 1. */
  duplicated: number;
  /** Records after a record of the same producer sent later, in one partition. */
  outOfOrder: number;
  unacknowledgedPresent: number;
  fatal: number;
  /** Per recovery, ms from Postgres back to this producer's first acknowledgement (null: none before the next fault). */
  firstAckMs: Array<number | null>;
  /** Recoveries after which the first acknowledgement took longer than the bound, or never came. */
  slowRecoveries: number;
}

export interface GroupCounts {
  processed: number;
  /** Processings of an offset after its first one (allowed: at least once). */
  processedTwice: number;
  /** Records in the log the group never processed. */
  unprocessed: number;
  /** Processings whose id is not the one the log holds at that offset. */
  processedNotInLog: number;
  /** Successful commits seen (each partition of each commit), all checked against what was processed. */
  commits: number;
  /** Commits beyond 1 + the highest offset the group had processed on the partition by then. */
  skippingCommits: number;
  /** Offsets below a final committed offset that the group never processed. */
  unprocessedBelowCommit: number;
  /** Partitions whose final committed offset is not the high watermark. */
  commitsNotAtEnd: number;
  /** Members not alive, or left without a partition while there are enough for each, at the end. */
  membersOut: number;
  /** Partitions with no owner, or two, at the end. */
  partitionsMisowned: number;
  /** Members Brook listed at the end, against how many the harness runs (-1: not asked). */
  brookMembers: number;
  members: number;
  fatal: number;
}

export interface KafkaVerdict {
  log: { records: number; gaps: number; corrupted: number };
  producers: Array<{ name: string; idempotent: boolean; counts: ProducerCounts }>;
  groups: Array<{ name: string; counts: GroupCounts }>;
  /** The broken invariants, as sentences with their counts. */
  failures: string[];
  /** A few examples of each violation, for a replay. */
  examples: string[];
}

const EXAMPLES_PER_KIND = 3;
const at = (partition: number, offset: number) => `${partition}:${offset}`;

export function checkKafka(obs: KafkaObservations): KafkaVerdict {
  const examples: string[] = [];
  const noted = new Map<string, number>();
  const example = (kind: string, text: string) => {
    const n = noted.get(kind) ?? 0;
    if (n < EXAMPLES_PER_KIND) examples.push(`${kind}: ${text}`);
    noted.set(kind, n + 1);
  };
  const failures: string[] = [];
  const fail = (n: number, what: string) => {
    if (n > 0) failures.push(`${what} (${n})`);
  };

  // The log: which id is where, what is damaged, which offsets are missing.
  const sentBy = new Map<string, ProducerObs>();
  for (const p of obs.producers) for (const id of p.sent) sentBy.set(id, p);
  const logAt = new Map<string, LogRecord>();
  const idAt = new Map<string, string | null>();
  const placesById = new Map<string, string[]>();
  let corrupted = 0;
  for (const r of obs.log) {
    const where = at(r.partition, r.offset);
    logAt.set(where, r);
    const { ok, id } = decodeRecord(r.key, r.value);
    idAt.set(where, id);
    if (!ok || id === null || !sentBy.has(id)) {
      corrupted++;
      example('corrupted', `${where}: ${JSON.stringify(r.value)?.slice(0, 120)}`);
    }
    if (id !== null) placesById.set(id, [...(placesById.get(id) ?? []), where]);
  }
  let gaps = 0;
  for (const b of obs.partitions)
    for (let o = b.logStartOffset; o < b.highWatermark; o++) {
      if (logAt.has(at(b.partition, o))) continue;
      gaps++;
      example('gap', `partition ${b.partition} offset ${o} (log start ${b.logStartOffset}, high watermark ${b.highWatermark})`);
    }
  fail(gaps, 'offsets missing below the high watermark');
  fail(corrupted, 'records in the log damaged or sent by nobody');

  const byPartition = [...obs.log].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  const producers = obs.producers.map((p) => {
    const counts = checkProducer(p, obs, placesById, byPartition, example);
    const tag = `${p.name}:`;
    fail(counts.lost, `${tag} acknowledged records not in the log`);
    fail(counts.misplaced, `${tag} acknowledged records not at their acknowledged offset`);
    fail(counts.deliveryFailures, `${tag} records the client gave up on`);
    fail(counts.fatal, `${tag} fatal client errors`);
    fail(counts.slowRecoveries, `${tag} first acknowledgement after Postgres returned later than ${obs.firstAckBoundMs} ms`);
    if (p.idempotent) {
      fail(counts.duplicated, `${tag} duplicated records (an idempotent producer)`);
      fail(counts.outOfOrder, `${tag} records out of send order in a partition (an idempotent producer)`);
    }
    return { name: p.name, idempotent: p.idempotent, counts };
  });

  const groups = obs.groups.map((g) => {
    const counts = checkGroup(g, obs, idAt, example);
    const tag = `${g.name}:`;
    fail(counts.unprocessed, `${tag} records in the log never processed`);
    fail(counts.processedNotInLog, `${tag} processed records the log does not hold`);
    fail(counts.skippingCommits, `${tag} commits beyond what the group had processed`);
    fail(counts.unprocessedBelowCommit, `${tag} unprocessed offsets below the final commit`);
    fail(counts.commitsNotAtEnd, `${tag} final commits not at the high watermark`);
    fail(counts.membersOut, `${tag} members not alive and assigned at the end`);
    fail(counts.partitionsMisowned, `${tag} partitions without exactly one owner at the end`);
    if (counts.brookMembers >= 0 && counts.brookMembers !== counts.members)
      failures.push(`${tag} Brook lists ${counts.brookMembers} members at the end, the harness runs ${counts.members}`);
    fail(counts.fatal, `${tag} fatal client errors or crashes that did not restart`);
    return { name: g.name, counts };
  });

  return { log: { records: obs.log.length, gaps, corrupted }, producers, groups, failures, examples };
}

type Example = (kind: string, text: string) => void;

function checkProducer(
  p: ProducerObs,
  obs: KafkaObservations,
  placesById: Map<string, string[]>,
  byPartition: readonly LogRecord[],
  example: Example,
): ProducerCounts {
  const tag = p.name;
  let lost = 0;
  let misplaced = 0;
  const acked = new Set<string>();
  for (const a of p.acks) {
    acked.add(a.id);
    const places = placesById.get(a.id);
    if (!places) {
      lost++;
      example(`${tag} lost`, `${a.id} acknowledged at ${at(a.partition, a.offset)}`);
    } else if (!places.includes(at(a.partition, a.offset))) {
      misplaced++;
      example(`${tag} misplaced`, `${a.id} acknowledged at ${at(a.partition, a.offset)}, found at ${places.join(', ')}`);
    }
  }
  let duplicated = 0;
  let unacknowledgedPresent = 0;
  for (const id of p.sent) {
    const places = placesById.get(id);
    if (!places) continue;
    if (!acked.has(id)) unacknowledgedPresent++;
    if (places.length < 2) continue;
    duplicated += places.length - 1;
    example(`${tag} duplicated`, `${id} at ${places.join(', ')}`);
  }
  // Send order per partition: each first copy of this producer's records must come after all earlier-sent ones.
  const seqOf = new Map(p.sent.map((id, i) => [id, i]));
  let outOfOrder = 0;
  const seen = new Set<string>();
  const highest = new Map<number, { seq: number; where: string; id: string }>();
  for (const r of byPartition) {
    const id = r.key;
    if (id === null) continue;
    const seq = seqOf.get(id);
    if (seq === undefined || seen.has(id)) continue;
    seen.add(id);
    const where = at(r.partition, r.offset);
    const top = highest.get(r.partition);
    if (top && seq < top.seq) {
      outOfOrder++;
      example(`${tag} out of order`, `${id} at ${where}, after ${top.id} (sent later) at ${top.where}`);
    } else highest.set(r.partition, { seq, where, id });
  }
  // Time to the first acknowledgement after each recovery.
  const times = p.acks.map((a) => a.t).sort((a, b) => a - b);
  const firstAckMs = obs.recoveries.map((rec) => {
    const t = times[lowerBound(times, rec.backAt)];
    return t === undefined || t >= (rec.until ?? Number.POSITIVE_INFINITY) ? null : t - rec.backAt;
  });
  let slowRecoveries = 0;
  firstAckMs.forEach((ms, i) => {
    if (ms !== null && ms <= obs.firstAckBoundMs) return;
    slowRecoveries++;
    const rec = obs.recoveries[i];
    example(
      `${tag} slow recovery`,
      `${rec.kind} (Postgres back at ${new Date(rec.backAt).toISOString()}): ${ms === null ? noAck(rec) : `first acknowledgement after ${Math.round(ms)} ms`}`,
    );
  });
  for (const f of p.fatal) example(`${tag} fatal`, f);
  return {
    sent: p.sent.length,
    acknowledged: p.acks.length,
    deliveryFailures: p.deliveryFailures,
    lost,
    misplaced,
    duplicated,
    outOfOrder,
    unacknowledgedPresent,
    fatal: p.fatal.length,
    firstAckMs,
    slowRecoveries,
  };
}

function checkGroup(g: GroupObs, obs: KafkaObservations, idAt: Map<string, string | null>, example: Example): GroupCounts {
  const tag = g.name;
  const done = new Set<string>();
  let processedTwice = 0;
  let processedNotInLog = 0;
  for (const p of g.processed) {
    const where = at(p.partition, p.offset);
    if (!idAt.has(where) || idAt.get(where) !== p.id) {
      // Another record than the log's: the log's record at that offset was not processed by it.
      processedNotInLog++;
      example(`${tag} processed-not-in-log`, `${where} by ${p.member}: id ${p.id}, the log holds ${idAt.get(where) ?? 'nothing'}`);
      continue;
    }
    if (done.has(where)) processedTwice++;
    done.add(where);
  }
  let unprocessed = 0;
  for (const r of obs.log) {
    if (done.has(at(r.partition, r.offset))) continue;
    unprocessed++;
    example(`${tag} unprocessed`, at(r.partition, r.offset));
  }

  // No commit beyond what the group had processed: offset ≤ 1 + the highest offset processed on the partition by then.
  let skippingCommits = 0;
  const partitions = new Set([...g.commits.map((c) => c.partition)]);
  for (const partition of partitions) {
    const processed = g.processed.filter((p) => p.partition === partition).sort((a, b) => a.t - b.t);
    const commits = g.commits.filter((c) => c.partition === partition).sort((a, b) => a.t - b.t);
    let i = 0;
    let highest = -1;
    for (const c of commits) {
      for (; i < processed.length && processed[i].t <= c.t; i++) highest = Math.max(highest, processed[i].offset);
      if (c.offset <= highest + 1) continue;
      skippingCommits++;
      example(
        `${tag} skipping commit`,
        `${c.member} committed ${at(partition, c.offset)} at ${new Date(c.t).toISOString()}, the group had processed up to offset ${highest}`,
      );
    }
  }
  let unprocessedBelowCommit = 0;
  const start = new Map(obs.partitions.map((b) => [b.partition, b.logStartOffset]));
  for (const c of g.finalCommitted)
    for (let o = start.get(c.partition) ?? 0; o < c.offset; o++) {
      if (done.has(at(c.partition, o))) continue;
      unprocessedBelowCommit++;
      example(`${tag} unprocessed below the commit`, `${at(c.partition, o)} (final commit ${c.offset})`);
    }
  const committed = new Map(g.finalCommitted.map((c) => [c.partition, c.offset]));
  let commitsNotAtEnd = 0;
  for (const b of obs.partitions) {
    const c = committed.get(b.partition);
    if (c === b.highWatermark) continue;
    commitsNotAtEnd++;
    example(`${tag} final commit`, `partition ${b.partition} committed at ${c ?? 'none'}, high watermark ${b.highWatermark}`);
  }

  // The end: every member alive and (when there are partitions enough) assigned; each partition owned once.
  const enough = obs.partitions.length >= g.members.length;
  let membersOut = 0;
  const owners = new Map<number, string[]>();
  for (const m of g.members) {
    if (m.alive) for (const p of m.assigned) owners.set(p, [...(owners.get(p) ?? []), m.member]);
    if (m.alive && (m.assigned.length > 0 || !enough)) continue;
    membersOut++;
    example(`${tag} member out`, `${m.member}: ${m.alive ? 'no partition assigned' : 'not alive'} at the end`);
  }
  let partitionsMisowned = 0;
  for (const b of obs.partitions) {
    const o = owners.get(b.partition) ?? [];
    if (o.length === 1) continue;
    partitionsMisowned++;
    example(`${tag} ownership`, `partition ${b.partition} owned by ${o.length ? o.join(', ') : 'no member'} at the end`);
  }
  for (const f of g.fatal) example(`${tag} fatal`, f);
  return {
    processed: g.processed.length,
    processedTwice,
    unprocessed,
    processedNotInLog,
    commits: g.commits.length,
    skippingCommits,
    unprocessedBelowCommit,
    commitsNotAtEnd,
    membersOut,
    partitionsMisowned,
    brookMembers: g.brookMembers ?? -1,
    members: g.members.length,
    fatal: g.fatal.length,
  };
}

const noAck = (rec: Recovery) =>
  rec.until === undefined
    ? 'no acknowledgement after it'
    : `no acknowledgement before the next fault, ${Math.round(rec.until - rec.backAt)} ms later`;

/** The first index whose value is ≥ x in an ascending array (its length if none). */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
