import { z } from 'zod';
import { BrokerError } from '@/server/broker';
import { MAX_GROUP_ID, validateGroupId } from '@/server/broker/groups/store';
import { isWellFormed, textProblem } from '@/server/broker/text';
import { isLegalTopicName, MAX_PARTITIONS, MAX_TOPIC_NAME_LENGTH, validateTopicName } from '@/server/broker/topics/names';

/**
 * Shared bounds for every router input: each string has a maximum length and no character Postgres
 * text or jsonb refuses (NUL, lone surrogates), each number is a safe integer in a stated range, each
 * array and map has a maximum size. Anything else is answered 4xx before it reaches the engine.
 */

/** Largest ms-since-epoch value a JavaScript Date (and a Postgres timestamptz) can hold. */
export const MAX_TIMESTAMP_MS = 8.64e15;
export const MAX_ID_LENGTH = MAX_GROUP_ID;
/** Topics one group member may subscribe to (or ask offsets for) in one request. */
export const MAX_TOPICS_PER_REQUEST = 1000;
/** Offsets in one commit: a member owning every partition of many topics stays far below it. */
export const MAX_COMMIT_OFFSETS = 10_000;

/**
 * Refuses with a Kafka error of our choosing rather than a generic INVALID_REQUEST: tRPC keeps what
 * the input parser throws as the error's cause, and the Kafka middleware maps it.
 */
function kafkaCheck<T extends z.ZodType>(schema: T, check: (v: z.output<T>) => BrokerError | null) {
  return schema.transform((v) => {
    const err = check(v);
    if (err) throw err;
    return v;
  });
}

function engineCheck(validate: () => void): BrokerError | null {
  try {
    validate();
    return null;
  } catch (err) {
    return err as BrokerError;
  }
}

/** Free text (commit metadata, header keys, filters): no NUL or lone surrogates. */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((s, ctx) => {
      const problem = textProblem(s, { controls: true });
      if (problem) ctx.addIssue({ code: 'custom', message: `Text ${problem}.` });
    });

/** Text stored as UTF-8 bytes (bytea, e.g. header keys): any character, but well-formed Unicode. */
export const wellFormed = (max: number) =>
  z
    .string()
    .max(max)
    .refine(isWellFormed, { message: 'Text contains an unpaired UTF-16 surrogate (not valid Unicode): send bytes as base64.' });

/** An identifier (member id, client id): printable, bounded. */
export const identifier = (max = MAX_ID_LENGTH) =>
  z
    .string()
    .max(max)
    .superRefine((s, ctx) => {
      const problem = textProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: `Identifier ${problem}.` });
    });

/** Rules are the engine's (INVALID_GROUP_ID); checked here too so nothing else in the request runs. */
export const groupId = kafkaCheck(z.string().max(100_000), (s) => engineCheck(() => validateGroupId(s)));

/** A topic to look up: an illegal name cannot exist, so it is unknown (no query runs). */
export const topicRef = kafkaCheck(z.string().max(100_000), (name) =>
  isLegalTopicName(name)
    ? null
    : new BrokerError(
        'UNKNOWN_TOPIC_OR_PARTITION',
        `Topic ${JSON.stringify(name.slice(0, MAX_TOPIC_NAME_LENGTH))} does not exist: it is not a legal topic name (up to ${MAX_TOPIC_NAME_LENGTH} ASCII letters, digits, ".", "_" and "-").`,
      ),
);

/** A topic name to create: the engine's rules, with Kafka's INVALID_TOPIC_EXCEPTION. */
export const newTopicName = kafkaCheck(z.string().max(100_000), (name) => engineCheck(() => validateTopicName(name)));

/** Offsets, counts and the like: safe integers (the engine checks the exact range and names the error). */
export const int = () => z.int();
export const partition = () =>
  z
    .int()
    .min(0)
    .max(MAX_PARTITIONS - 1);
export const partitionList = () => z.array(partition()).max(MAX_PARTITIONS);
export const timestampMs = () => z.int().min(0).max(MAX_TIMESTAMP_MS);
/** Subscriptions may name topics that do not exist yet, but only legal names. */
export const topicList = () => z.array(newTopicName).max(MAX_TOPICS_PER_REQUEST);

/** A JSON object keyed by partition number (browse windows, tail positions). */
export const byPartition = <T extends z.ZodType>(value: T) =>
  z.record(z.string().regex(/^\d{1,4}$/, 'keys are partition numbers'), value).refine((o) => Object.keys(o).length <= MAX_PARTITIONS, {
    message: `at most ${MAX_PARTITIONS} partitions`,
  });

/**
 * An array of `item`, at most `max` long, that a hand-written check of the common valid shape (`fast`)
 * accepts without zod: zod costs microseconds per field, which dominated a 1000-record produce. Anything
 * `fast` does not accept goes through the zod schema, which then answers with exactly its own issues
 * (messages, paths). So `fast` must never accept what the schema refuses; accepted items are passed on
 * as they are (unknown keys are not stripped, callers read the fields they know). Typed as the schema.
 */
export function fastArray<T extends z.ZodType>(item: T, max: number, fast: (value: unknown) => boolean) {
  const full = z.array(item).max(max);
  const checked = z.unknown().transform((value, ctx) => {
    if (Array.isArray(value) && value.length <= max && value.every(fast)) return value as z.output<T>[];
    const result = full.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  });
  return checked as unknown as typeof full;
}

/** `fast` checks for fastArray: each accepts exactly what the named schema accepts, or less. */
export const fastCheck = {
  /** z.string().nullable() */
  nullableString: (v: unknown) => v === null || typeof v === 'string',
  /** z.string().nullish() */
  nullishString: (v: unknown) => v === null || v === undefined || typeof v === 'string',
  /** int() */
  int: (v: unknown) => Number.isSafeInteger(v),
  /** timestampMs() */
  timestampMs: (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= MAX_TIMESTAMP_MS,
  /** wellFormed(max) */
  wellFormed: (v: unknown, max: number) => typeof v === 'string' && v.length <= max && isWellFormed(v),
  /** A plain JSON object (what z.object and z.record accept as a container). */
  object: (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v),
};
