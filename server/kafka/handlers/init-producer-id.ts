import { initProducerId } from '../protocol';
import { defineHandler } from './types';

type Req = initProducerId.InitProducerIdRequest;
type Res = initProducerId.InitProducerIdResponse;

/**
 * InitProducerId 0-4 for idempotent producers: a fresh producer id (epoch 0), or with v3+ the epoch bumped
 * for the id and epoch the producer presents (KIP-360). A transactional id is refused by the engine with
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED (Brook has no transactions), answered here through errorResponse.
 */
export const initProducerIdHandler = defineHandler<Req, Res>({
  name: 'InitProducerId',
  apiKey: 22,
  minVersion: 0,
  maxVersion: 4,
  decode: initProducerId.decodeInitProducerIdRequest,
  encode: initProducerId.encodeInitProducerIdResponse,
  async handle(req, ctx) {
    const result = await ctx.broker.initProducerId({
      transactionalId: req.transactionalId,
      transactionTimeoutMs: req.transactionTimeoutMs,
      producerId: Number(req.producerId),
      producerEpoch: req.producerEpoch,
    });
    return { throttleTimeMs: 0, errorCode: 0, producerId: BigInt(result.producerId), producerEpoch: result.producerEpoch };
  },
  /** A database outage: Kafka's own answer, as older Java clients treat REQUEST_TIMED_OUT here as fatal. */
  outage: 'COORDINATOR_LOAD_IN_PROGRESS',
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 }),
});
