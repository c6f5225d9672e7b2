import { deleteTopics } from '../protocol';
import { duplicateOutcome, duplicates, failure, outcome } from './admin-outcome';
import { defineHandler } from './types';

/** Kafka's "no topic id" (Brook's topics have none yet). */
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

type Result = deleteTopics.DeletableTopicResult;

/** The topics a request names: v0-5 by name; v6+ by name or by topic id. */
const targets = (request: deleteTopics.DeleteTopicsRequest, version: number) =>
  version >= 6 ? request.topics : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));

/**
 * DeleteTopics v0-6, by name. Brook's topics have no ids yet, so a topic named only by id is
 * UNKNOWN_TOPIC_ID. Deletion is done when the answer is sent (no pending-deletion state to wait for).
 */
export const deleteTopicsHandler = defineHandler<deleteTopics.DeleteTopicsRequest, deleteTopics.DeleteTopicsResponse>({
  name: 'DeleteTopics',
  apiKey: 20,
  minVersion: 0,
  maxVersion: 6,
  decode: deleteTopics.decodeDeleteTopicsRequest,
  encode: deleteTopics.encodeDeleteTopicsResponse,
  async handle(request, ctx) {
    const topics = targets(request, ctx.apiVersion);
    const twice = duplicates(topics.map((t) => t.name));
    const responses: Result[] = [];
    for (const { name, topicId } of topics) {
      if (name === null) {
        responses.push({ name, topicId, ...failure('UNKNOWN_TOPIC_ID', `Brook's topics have no ids: name topic ${topicId} by its name.`) });
      } else if (twice.has(name)) {
        responses.push({ name, topicId, ...duplicateOutcome('topic', name) });
      } else {
        responses.push({ name, topicId, ...(await outcome(() => ctx.broker.deleteTopic(name))) });
      }
    }
    return { throttleTimeMs: 0, responses };
  },
  errorResponse: (request, errorCode, ctx, errorMessage) => ({
    throttleTimeMs: 0,
    responses: targets(request, ctx.apiVersion).map(({ name, topicId }) => ({
      name,
      topicId,
      errorCode,
      errorMessage: errorMessage ?? null,
    })),
  }),
});
