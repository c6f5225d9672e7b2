import type { Queryable } from '@/db/client';
import type { CopyBatch } from './record-codec';

const same = (a: Uint8Array | null, b: Uint8Array | null) =>
  a === null || b === null ? a === b : a.length === b.length && Buffer.compare(a, b) === 0;

/**
 * Whether an append whose COMMIT was lost with its connection committed: each batch's records are in its
 * partition at the offsets the transaction gave them, byte for byte (with the producer's fields where it
 * wrote them). Records are never changed in place, so the log itself says what happened; asked once the
 * database answers again (db/hold.ts).
 */
export async function appendCommitted(db: Queryable, written: readonly CopyBatch[]): Promise<boolean> {
  for (const b of written) {
    if (b.records.length === 0) continue;
    const rows = await db.query<{
      offset: number;
      timestamp: number;
      key: Uint8Array | null;
      value: Uint8Array | null;
      headers: Uint8Array | null;
      producer_id: number | null;
      sequence: number | null;
    }>(
      `SELECT "offset", "timestamp", key, value, headers, producer_id, sequence
         FROM records WHERE partition_id = $1 AND "offset" >= $2 AND "offset" < $3 ORDER BY "offset"`,
      [b.partitionId, b.baseOffset, b.baseOffset + b.records.length],
      { name: 'append.verify' },
    );
    if (rows.length !== b.records.length) return false;
    for (const [i, r] of b.records.entries()) {
      const row = rows[i];
      const match =
        row.offset === b.baseOffset + i &&
        Number(row.timestamp) === r.timestamp &&
        same(row.key, r.key) &&
        same(row.value, r.value) &&
        same(row.headers, r.headers) &&
        (b.producer === undefined ||
          (Number(row.producer_id) === b.producer.producerId && Number(row.sequence) === b.producer.baseSequence));
      if (!match) return false;
    }
  }
  return true;
}
