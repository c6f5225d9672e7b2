import { tracked } from '@trpc/server';
import { z } from 'zod';
import { BrokerError } from '@/server/broker/errors';
import { recheckCredentials } from '../edge/credentials';
import { base64RecordToJson, encodingSchema, recordToJson, toBytes } from '../encoding';
import { byPartition, int, partitionList, topicRef } from '../inputs';
import { authorized, createTRPCRouter } from '../trpc';
import { hidesPayloads, visible } from './hide-payloads';
import { idempotencyKey, idempotencyKeyOf, produceRecords } from './produce-input';

const NO_HEADERS: never[] = [];

/** BROOK_HIDE_PAYLOADS covers the caller's role. */

/** Where a read of one partition starts and how much it takes (fetch and tail). */
const partitionRead = z.object({
  topic: topicRef,
  partition: int(),
  offset: int(),
  maxRecords: int().optional(),
  maxBytes: int().optional(),
  encoding: encodingSchema,
});

const offsetSpec = z.union([z.literal('earliest'), z.literal('latest'), z.object({ timestamp: int() })]);

export const recordsRouter = createTRPCRouter({
  produce: authorized('write', 'topic', { acl: { operation: 'WRITE', field: 'topic' } })
    .input(
      z.object({
        topic: topicRef,
        records: produceRecords,
        encoding: encodingSchema,
        idempotencyKey: idempotencyKey.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const key = idempotencyKeyOf(input.idempotencyKey, ctx.headers);
      const records = input.records.map((r, i) => ({
        key: toBytes(r.key, input.encoding, `records[${i}].key`),
        value: toBytes(r.value, input.encoding, `records[${i}].value`),
        headers:
          r.headers === undefined
            ? NO_HEADERS
            : (Array.isArray(r.headers) ? r.headers : Object.entries(r.headers).map(([key, value]) => ({ key, value }))).map((h, j) => ({
                key: h.key,
                value: toBytes(h.value, input.encoding, `records[${i}].headers[${j}].value`),
              })),
        partition: r.partition,
        timestamp: r.timestamp,
      }));
      return { results: await ctx.broker.produce(input.topic, records, undefined, undefined, key) };
    }),

  fetch: authorized('write', 'topic', { acl: { operation: 'READ', field: 'topic' } })
    .input(partitionRead.extend({ maxWaitMs: int().optional() }))
    .query(async ({ ctx, input, signal }) => {
      const hide = hidesPayloads(ctx);
      if (input.encoding === 'base64') {
        // The database encodes keys and values (fewer bytes than bytea's hex, no Buffers in Node).
        const result = await ctx.broker.fetch({ ...input, signal, form: 'base64' });
        return {
          records: visible(hide, result.records.map(base64RecordToJson)),
          highWatermark: result.highWatermark,
          logStartOffset: result.logStartOffset,
        };
      }
      const result = await ctx.broker.fetch({ ...input, signal });
      return {
        records: visible(
          hide,
          result.records.map((r) => recordToJson(r, input.encoding)),
        ),
        highWatermark: result.highWatermark,
        logStartOffset: result.logStartOffset,
      };
    }),

  /**
   * A live tail over Server-Sent Events: batches of records from `offset` on, as they are committed.
   * Each event's id is the next offset, so a reconnecting client resumes where it stopped (lastEventId).
   */
  tail: authorized('write', 'topic', { acl: { operation: 'READ', field: 'topic' } })
    .input(
      partitionRead.extend({
        lastEventId: z
          .string()
          .regex(/^\d{1,16}$/, 'lastEventId is an offset')
          .nullish(),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const hide = hidesPayloads(ctx);
      const recheck = recheckCredentials(ctx, 'write');
      let offset = input.lastEventId ? Number(input.lastEventId) : input.offset;
      while (!signal?.aborted) {
        const page = await ctx.broker.fetch({ ...input, offset, maxWaitMs: 15_000, signal });
        if (page.records.length === 0) continue;
        await recheck();
        offset = page.records[page.records.length - 1].offset + 1;
        yield tracked(String(offset), {
          records: visible(
            hide,
            page.records.map((r) => recordToJson(r, input.encoding)),
          ),
          highWatermark: page.highWatermark,
          logStartOffset: page.logStartOffset,
        });
      }
    }),

  /** A page for the message browser: windows of offsets per partition, optional bounded text filter. */
  browse: authorized('read', 'topic', { acl: { operation: 'READ', field: 'topic' } })
    .input(
      z.object({
        topic: topicRef,
        partitions: partitionList().nullish(),
        start: z.union([z.literal('newest'), z.literal('oldest'), z.object({ offset: int() }), z.object({ timestamp: int() })]).optional(),
        window: byPartition(z.object({ from: int(), to: int() })).nullish(),
        direction: z.enum(['forward', 'backward']).optional(),
        pageSize: int().optional(),
        filter: z.object({ text: z.string().max(1000), field: z.enum(['key', 'value', 'any']).optional() }).nullish(),
        scanLimit: int().optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const hide = hidesPayloads(ctx);
      // Matching hidden payloads against a filter would tell what they hold, one guess at a time.
      if (hide && input.filter?.text)
        throw new BrokerError('TOPIC_AUTHORIZATION_FAILED', 'Message payloads are hidden for your role: they cannot be searched.');
      const page = await ctx.broker.browse({
        ...input,
        window: input.window ? Object.fromEntries(Object.entries(input.window).map(([p, w]) => [Number(p), w])) : null,
      });
      return {
        ...page,
        records: visible(
          hide,
          page.records.map((r) => ({ partition: r.partition, ...recordToJson(r, 'base64') })),
        ),
      };
    }),

  /** The console's live tail: records of several partitions as they are committed (Server-Sent Events). */
  tailTopic: authorized('read', 'topic', { acl: { operation: 'READ', field: 'topic' } })
    .input(z.object({ topic: topicRef, partitions: partitionList().nullish(), from: byPartition(int()).nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      const hide = hidesPayloads(ctx);
      const recheck = recheckCredentials(ctx, 'read');
      const from = input.from ? Object.fromEntries(Object.entries(input.from).map(([p, o]) => [Number(p), o])) : null;
      for await (const batch of ctx.broker.tail(input.topic, input.partitions, from, signal ?? new AbortController().signal)) {
        await recheck();
        yield {
          records: visible(
            hide,
            batch.records.map((r) => ({ partition: r.partition, ...recordToJson(r, 'base64') })),
          ),
          positions: batch.positions,
        };
      }
    }),

  listOffsets: authorized('read', 'topic', { acl: { operation: 'DESCRIBE', field: 'topic' } })
    .input(z.object({ topic: topicRef, partition: int(), spec: offsetSpec }))
    .query(({ ctx, input }) => ctx.broker.listOffsets(input.topic, input.partition, input.spec)),
});
