import { errorMessage } from '@/server/broker/errors';
import type { createPartitions, createTopics, deleteGroups, deleteTopics } from '../protocol';
import type { KafkaAuth } from '../sasl/session';
import type { AlterConfigsRequest, AlterConfigsResponse } from './alter-configs-codec';
import type { KafkaContext } from './types';

interface Result {
  target: string | null;
  errorCode: number;
  errorMessage?: string | null;
}

/** The admin APIs the audit log records, each with its per-resource results. */
const AUDITED: Record<string, (request: unknown, response: unknown) => Result[]> = {
  CreateTopics: (_req, res) => (res as createTopics.CreateTopicsResponse).topics.map((t) => ({ target: t.name, ...codes(t) })),
  DeleteTopics: (_req, res) =>
    (res as deleteTopics.DeleteTopicsResponse).responses.map((t) => ({ target: t.name ?? t.topicId ?? null, ...codes(t) })),
  CreatePartitions: (_req, res) => (res as createPartitions.CreatePartitionsResponse).results.map((t) => ({ target: t.name, ...codes(t) })),
  AlterConfigs: (_req, res) => (res as AlterConfigsResponse).responses.map((r) => ({ target: r.resourceName, ...codes(r) })),
  DeleteGroups: (_req, res) =>
    (res as deleteGroups.DeleteGroupsResponse).results.map((g) => ({ target: g.groupId, errorCode: g.errorCode })),
};

const codes = (r: { errorCode: number; errorMessage?: string | null }) => ({
  errorCode: r.errorCode,
  errorMessage: r.errorMessage ?? null,
});

export const isAuditedApi = (apiName: string) => Object.hasOwn(AUDITED, apiName);

/**
 * Records an admin API's outcome per resource (a topic, a group): `denied` when the role was refused, else
 * `ok` or `failed` by its error code. With auth off the actor is `anonymous`. A failing audit write does not
 * change the answer (the change is made): it is logged.
 */
export async function auditAdmin(
  apiName: string,
  request: unknown,
  response: unknown,
  ctx: KafkaContext,
  options: { refused: boolean; record: KafkaAuth['audit']['record']; log: (line: string) => void },
): Promise<void> {
  const results = AUDITED[apiName]?.(request, response) ?? [];
  const validateOnly = (request as AlterConfigsRequest).validateOnly === true;
  try {
    for (const r of results) {
      await options.record({
        actor: ctx.principal.name,
        actorKind: ctx.principal.kind,
        action: `kafka.${apiName}`,
        target: r.target,
        address: ctx.conn.remoteAddress,
        outcome: options.refused ? 'denied' : r.errorCode === 0 ? 'ok' : 'failed',
        details: {
          clientId: ctx.clientId,
          ...(validateOnly ? { validateOnly } : {}),
          ...(r.errorCode !== 0 ? { errorCode: r.errorCode, error: r.errorMessage ?? null } : {}),
        },
      });
    }
  } catch (err) {
    options.log(`[brook] Kafka ${apiName} from ${ctx.conn.remoteAddress}: the audit log could not be written: ${errorMessage(err)}`);
  }
}
