import type { Database, Queryable } from '@/db/client';
import type { ProducerBatchMeta } from '@/db/schema';
import type { ProducerState } from './sequence';

/**
 * Producer state in Postgres (producer_states). Only the append transaction reads and writes it, after
 * locking the partition's watermark row: that lock is what serializes two Brook processes appending
 * for one producer, and it is taken in an earlier statement, so these reads see the latest commit.
 */

/** Kafka's producer.id.expiration.ms default: state untouched this long is forgotten. */
export const PRODUCER_ID_EXPIRATION_MS = 86_400_000;

export async function loadProducerStates(
  tx: Queryable,
  partitionId: number,
  producerIds: readonly number[],
): Promise<Map<number, ProducerState>> {
  const rows = await tx.query<{ producer_id: number; producer_epoch: number; last_sequence: number; batches: ProducerBatchMeta[] }>(
    `SELECT producer_id, producer_epoch, last_sequence, batches FROM producer_states
      WHERE partition_id = $1 AND producer_id = ANY($2::bigint[])`,
    [partitionId, producerIds],
    { name: 'producers.load' },
  );
  return new Map(rows.map((r) => [r.producer_id, { producerEpoch: r.producer_epoch, lastSequence: r.last_sequence, batches: r.batches }]));
}

/**
 * The upsert of changed states, as a statement to put in a WITH clause: the partition id and the states
 * are the 6 parameters from `$first` (see upsertStatesParams), so the append writes its rows, its
 * watermark and its producer states in one round trip.
 */
export function upsertStatesSql(first: number): string {
  const [partition, ids, epochs, seqs, batches, now] = [0, 1, 2, 3, 4, 5].map((i) => `$${first + i}`);
  return `INSERT INTO producer_states (partition_id, producer_id, producer_epoch, last_sequence, batches, updated_at)
     SELECT ${partition}::int, s.id, s.epoch, s.seq, s.batches::jsonb, ${now}::bigint
       FROM unnest(${ids}::bigint[], ${epochs}::smallint[], ${seqs}::int[], ${batches}::text[]) AS s(id, epoch, seq, batches)
     ON CONFLICT (partition_id, producer_id) DO UPDATE
        SET producer_epoch = EXCLUDED.producer_epoch, last_sequence = EXCLUDED.last_sequence,
            batches = EXCLUDED.batches, updated_at = EXCLUDED.updated_at
     RETURNING 1`;
}

export function upsertStatesParams(partitionId: number, states: ReadonlyMap<number, ProducerState>, now: number): unknown[] {
  const entries = [...states];
  return [
    partitionId,
    entries.map(([id]) => id),
    entries.map(([, s]) => s.producerEpoch),
    entries.map(([, s]) => s.lastSequence),
    entries.map(([, s]) => JSON.stringify(s.batches)),
    now,
  ];
}

/**
 * Forgets producers idle for `expirationMs` (Kafka's producer.id.expiration.ms): their partition state and
 * the ids handed out. A forgotten producer that comes back is accepted at any sequence (see checkBatch);
 * a retry of a batch older than that is no longer recognised, as in Kafka.
 */
export async function expireProducers(db: Database, now: number, expirationMs = PRODUCER_ID_EXPIRATION_MS): Promise<number> {
  const cutoff = now - expirationMs;
  const states = await db.query(`DELETE FROM producer_states WHERE updated_at < $1 RETURNING 1`, [cutoff], {
    name: 'producers.expire_states',
  });
  await db.query(
    `DELETE FROM producer_ids p WHERE p.updated_at < $1
        AND NOT EXISTS (SELECT 1 FROM producer_states s WHERE s.producer_id = p.producer_id)`,
    [cutoff],
    { name: 'producers.expire_ids' },
  );
  return states.length;
}
