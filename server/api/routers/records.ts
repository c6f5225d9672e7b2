import { tracked } from '@trpc/server';
import { z } from 'zod';
import { encodingSchema, recordToJson, toBytes } from '../encoding';
import { createTRPCRouter, publicProcedure } from '../trpc';

const header = z.object({ key: z.string(), value: z.string().nullable() });
const produceRecord = z.object({
  key: z.string().nullish(),
  value: z.string().nullable(),
  /** An ordered list (duplicate keys allowed, as in Kafka) or, for convenience, an object. */
  headers: z.union([z.array(header), z.record(z.string(), z.string().nullable())]).optional(),
  partition: z.number().optional(),
  timestamp: z.number().optional(),
});

/** Where a read of one partition starts and how much it takes (fetch and tail). */
const partitionRead = z.object({
  topic: z.string(),
  partition: z.number(),
  offset: z.number(),
  maxRecords: z.number().optional(),
  maxBytes: z.number().optional(),
  encoding: encodingSchema,
});

const offsetSpec = z.union([z.literal('earliest'), z.literal('latest'), z.object({ timestamp: z.number() })]);

export const recordsRouter = createTRPCRouter({
  produce: publicProcedure
    .input(z.object({ topic: z.string(), records: z.array(produceRecord), encoding: encodingSchema }))
    .mutation(async ({ ctx, input }) => {
      const records = input.records.map((r, i) => ({
        key: toBytes(r.key, input.encoding, `records[${i}].key`),
        value: toBytes(r.value, input.encoding, `records[${i}].value`),
        headers: (Array.isArray(r.headers) ? r.headers : Object.entries(r.headers ?? {}).map(([key, value]) => ({ key, value }))).map(
          (h, j) => ({ key: h.key, value: toBytes(h.value, input.encoding, `records[${i}].headers[${j}].value`) }),
        ),
        partition: r.partition,
        timestamp: r.timestamp,
      }));
      return { results: await ctx.broker.produce(input.topic, records) };
    }),

  fetch: publicProcedure
    .input(
      partitionRead.extend({ maxWaitMs: z.number().optional() }),
    )
    .query(async ({ ctx, input, signal }) => {
      const result = await ctx.broker.fetch({ ...input, signal });
      return {
        records: result.records.map((r) => recordToJson(r, input.encoding)),
        highWatermark: result.highWatermark,
        logStartOffset: result.logStartOffset,
      };
    }),

  /**
   * A live tail over Server-Sent Events: batches of records from `offset` on, as they are committed.
   * Each event's id is the next offset, so a reconnecting client resumes where it stopped (lastEventId).
   */
  tail: publicProcedure
    .input(
      partitionRead.extend({ lastEventId: z.string().nullish() }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      let offset = input.lastEventId ? Number(input.lastEventId) : input.offset;
      while (!signal?.aborted) {
        const page = await ctx.broker.fetch({ ...input, offset, maxWaitMs: 15_000, signal });
        if (page.records.length === 0) continue;
        offset = page.records[page.records.length - 1].offset + 1;
        yield tracked(String(offset), {
          records: page.records.map((r) => recordToJson(r, input.encoding)),
          highWatermark: page.highWatermark,
          logStartOffset: page.logStartOffset,
        });
      }
    }),

  /** A page for the message browser: windows of offsets per partition, optional bounded text filter. */
  browse: publicProcedure
    .input(
      z.object({
        topic: z.string(),
        partitions: z.array(z.number()).nullish(),
        start: z.union([z.literal('newest'), z.literal('oldest'), z.object({ offset: z.number() }), z.object({ timestamp: z.number() })]).optional(),
        window: z.record(z.string(), z.object({ from: z.number(), to: z.number() })).nullish(),
        direction: z.enum(['forward', 'backward']).optional(),
        pageSize: z.number().optional(),
        filter: z.object({ text: z.string().max(1000), field: z.enum(['key', 'value', 'any']).optional() }).nullish(),
        scanLimit: z.number().optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const page = await ctx.broker.browse({
        ...input,
        window: input.window ? Object.fromEntries(Object.entries(input.window).map(([p, w]) => [Number(p), w])) : null,
      });
      return { ...page, records: page.records.map((r) => ({ partition: r.partition, ...recordToJson(r, 'base64') })) };
    }),

  /** The console's live tail: records of several partitions as they are committed (Server-Sent Events). */
  tailTopic: publicProcedure
    .input(z.object({ topic: z.string(), partitions: z.array(z.number()).nullish(), from: z.record(z.string(), z.number()).nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      const from = input.from ? Object.fromEntries(Object.entries(input.from).map(([p, o]) => [Number(p), o])) : null;
      for await (const batch of ctx.broker.tail(input.topic, input.partitions, from, signal ?? new AbortController().signal)) {
        yield { records: batch.records.map((r) => ({ partition: r.partition, ...recordToJson(r, 'base64') })), positions: batch.positions };
      }
    }),

  listOffsets: publicProcedure
    .input(z.object({ topic: z.string(), partition: z.number(), spec: offsetSpec }))
    .query(({ ctx, input }) => ctx.broker.listOffsets(input.topic, input.partition, input.spec)),
});
