import type { LogRecord, PartitionBounds } from '../checker';

/** What the Kafka workload's checker (checker.ts) is given, and what it answers. */
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
  /**
   * Ids `<idPrefix><n>` are its n-th record whether or not `sent` lists them: a client that died may have
   * sent records it never reported, and those are its own (intact ones are not "sent by nobody").
   */
  idPrefix?: string;
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
