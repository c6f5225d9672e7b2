import { findCoordinator as api } from '../protocol';
import { kafkaCode } from './errors';
import { defineHandler, type KafkaNode } from './types';

const GROUP_KEY = 0;
const TRANSACTION_KEY = 1;

type Answer = { nodeId: number; host: string; port: number; errorCode: number; errorMessage: string | null };

/**
 * FindCoordinator 0-4: any instance coordinates any group (group state lives in Postgres under row
 * locks), so a group's coordinator is the instance asked: no redirect, no NOT_COORDINATOR. Brook has
 * no transactions: a transaction key gets COORDINATOR_NOT_AVAILABLE, as a broker whose transaction
 * coordinator is not up answers. v4 batches keys; earlier versions ask for one.
 */
export const findCoordinatorHandler = defineHandler<api.FindCoordinatorRequest, api.FindCoordinatorResponse>({
  name: 'FindCoordinator',
  apiKey: 10,
  minVersion: 0,
  maxVersion: 4,
  decode: api.decodeFindCoordinatorRequest,
  encode: api.encodeFindCoordinatorResponse,
  async handle(req, ctx) {
    const self = await ctx.cluster.self();
    const keyType = ctx.apiVersion >= 1 ? req.keyType : GROUP_KEY;
    const answer = (): Answer => coordinatorFor(keyType, self);
    if (ctx.apiVersion >= 4) {
      return { throttleTimeMs: 0, coordinators: req.coordinatorKeys.map((key) => ({ key, ...answer() })) };
    }
    return { throttleTimeMs: 0, ...answer() };
  },
  /** Only when this instance has no node id yet and the database is away: the one code kafkajs retries here. */
  outage: 'COORDINATOR_NOT_AVAILABLE',
  errorResponse(req, errorCode, ctx) {
    const none = { nodeId: -1, host: '', port: -1, errorCode, errorMessage: null };
    if (ctx.apiVersion >= 4) return { coordinators: req.coordinatorKeys.map((key) => ({ key, ...none })) };
    return none;
  },
});

function coordinatorFor(keyType: number, self: KafkaNode): Answer {
  if (keyType === GROUP_KEY) return { nodeId: self.nodeId, host: self.host, port: self.port, errorCode: 0, errorMessage: null };
  const none = { nodeId: -1, host: '', port: -1 };
  if (keyType === TRANSACTION_KEY) {
    return { ...none, errorCode: kafkaCode('COORDINATOR_NOT_AVAILABLE'), errorMessage: 'Brook has no transaction coordinator.' };
  }
  return { ...none, errorCode: kafkaCode('INVALID_REQUEST'), errorMessage: `Unknown coordinator key type ${keyType}.` };
}
