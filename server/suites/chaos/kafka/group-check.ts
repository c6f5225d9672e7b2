import type { GroupCounts, GroupObs, KafkaObservations } from './observations';

export const at = (partition: number, offset: number) => `${partition}:${offset}`;
type Example = (kind: string, text: string) => void;

/** A consumer group's counts: what it processed and committed against the log, and who was in it at the end. */
export function checkGroup(g: GroupObs, obs: KafkaObservations, idAt: Map<string, string | null>, example: Example): GroupCounts {
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
