import type { LogRecord } from '../checker';
import { decodeRecord } from '../record-codec';
import { at, checkGroup } from './group-check';
import type { KafkaObservations, KafkaVerdict, ProducerCounts, ProducerObs, Recovery } from './observations';

export type * from './observations';

const EXAMPLES_PER_KIND = 3;

/**
 * The Kafka workload's verdict, from what the harness saw: what each producer sent (in send order) and
 * had acknowledged, the log as read back from offset 0, what each consumer group processed and committed,
 * who was in each group at the end, the clients' fatal errors, and when Postgres came back after each
 * fault. Pure: the unit tests feed it small synthetic inputs.
 */
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
  const producerOf = (id: string) => sentBy.get(id) ?? obs.producers.find((p) => seqByPrefix(p, id) !== undefined);
  const logAt = new Map<string, LogRecord>();
  const idAt = new Map<string, string | null>();
  const placesById = new Map<string, string[]>();
  let corrupted = 0;
  for (const r of obs.log) {
    const where = at(r.partition, r.offset);
    logAt.set(where, r);
    const { ok, id } = decodeRecord(r.key, r.value);
    idAt.set(where, id);
    if (!ok || id === null || !producerOf(id)) {
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
    const counts = checkProducer(p, obs, { placesById, idAt, byPartition }, example);
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
  log: { placesById: Map<string, string[]>; idAt: Map<string, string | null>; byPartition: readonly LogRecord[] },
  example: Example,
): ProducerCounts {
  const { placesById, idAt, byPartition } = log;
  const tag = p.name;
  let lost = 0;
  let misplaced = 0;
  const acked = new Set<string>();
  for (const a of p.acks) {
    acked.add(a.id);
    const places = placesById.get(a.id);
    if (!places) {
      lost++;
      const there = idAt.get(at(a.partition, a.offset));
      example(
        `${tag} lost`,
        `${a.id} acknowledged at ${at(a.partition, a.offset)} (${new Date(a.t).toISOString()}); the log holds ${there === undefined ? 'nothing' : there} there`,
      );
    } else if (!places.includes(at(a.partition, a.offset))) {
      misplaced++;
      example(`${tag} misplaced`, `${a.id} acknowledged at ${at(a.partition, a.offset)}, found at ${places.join(', ')}`);
    }
  }
  let duplicated = 0;
  let unacknowledgedPresent = 0;
  const seqOf = new Map(p.sent.map((id, i) => [id, i]));
  for (const id of placesById.keys()) {
    const seq = seqOf.get(id) ?? seqByPrefix(p, id);
    if (seq === undefined) continue;
    seqOf.set(id, seq);
    const places = placesById.get(id) ?? [];
    if (!acked.has(id)) unacknowledgedPresent++;
    if (places.length < 2) continue;
    duplicated += places.length - 1;
    example(`${tag} duplicated`, `${id} at ${places.join(', ')}`);
  }
  // Send order per partition: each first copy of this producer's records must come after all earlier-sent ones.
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

/** The record number n of an id `<idPrefix><n>` of the producer, if it is one. */
function seqByPrefix(p: ProducerObs, id: string): number | undefined {
  if (!p.idPrefix || !id.startsWith(p.idPrefix)) return undefined;
  const n = id.slice(p.idPrefix.length);
  return /^\d+$/.test(n) ? Number(n) : undefined;
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
