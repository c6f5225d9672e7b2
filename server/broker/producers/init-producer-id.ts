import type { Database } from '@/db/client';
import { BrokerError } from '../errors';
import { MAX_EPOCH } from './sequence';

export interface InitProducerIdRequest {
  transactionalId?: string | null;
  transactionTimeoutMs?: number;
  /** KIP-360 (InitProducerId v3+): the id and epoch the producer holds now, or -1 (none). */
  producerId?: number;
  producerEpoch?: number;
}

export interface InitProducerIdResult {
  producerId: number;
  producerEpoch: number;
}

/**
 * Kafka's InitProducerId for idempotent (non-transactional) producers. A new producer gets a fresh id,
 * unique across every Brook process on the database (an identity column), with epoch 0. A producer that
 * presents the id and epoch it was last given (KIP-360 re-init after an error) gets the same id with the
 * epoch bumped, which fences its older epoch on every partition; once the epoch is exhausted, or for an
 * id/epoch that is not the latest (expired, or already bumped by someone else), it gets a fresh id, as
 * Kafka's coordinator hands any idempotent producer a fresh id rather than an error.
 *
 * Brook has no transactions: a transactional id is refused with TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
 * what a Kafka-compatible broker with transactions disabled answers (Redpanda does this), and which
 * clients treat as fatal rather than retrying forever.
 */
export async function initProducerId(db: Database, req: InitProducerIdRequest, now: number): Promise<InitProducerIdResult> {
  if (req.transactionalId !== undefined && req.transactionalId !== null) {
    throw new BrokerError(
      'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
      'Brook does not support transactions: use an idempotent producer without transactional.id.',
    );
  }
  const id = req.producerId ?? -1;
  const epoch = req.producerEpoch ?? -1;
  if (id >= 0 !== epoch >= 0) {
    throw new BrokerError('INVALID_REQUEST', 'producerId and producerEpoch must both be given (re-init) or both be -1.');
  }
  if (id >= 0 && Number.isSafeInteger(id) && Number.isInteger(epoch) && epoch < MAX_EPOCH - 1) {
    // Conditional on the epoch: of two concurrent re-inits with the same epoch, one bumps, the other gets a new id.
    const [bumped] = await db.query<{ producer_id: number; epoch: number }>(
      `UPDATE producer_ids SET epoch = epoch + 1, updated_at = $3 WHERE producer_id = $1 AND epoch = $2 RETURNING producer_id, epoch`,
      [id, epoch, now],
      { name: 'producers.bump_epoch' },
    );
    if (bumped) return { producerId: bumped.producer_id, producerEpoch: bumped.epoch };
  }
  const [fresh] = await db.query<{ producer_id: number; epoch: number }>(
    `INSERT INTO producer_ids (epoch, updated_at) VALUES (0, $1) RETURNING producer_id, epoch`,
    [now],
    { name: 'producers.new_id' },
  );
  return { producerId: fresh.producer_id, producerEpoch: fresh.epoch };
}
