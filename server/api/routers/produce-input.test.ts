import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_RECORDS_PER_REQUEST } from '@/server/broker/produce';
import { produceRecord, produceRecords } from './produce-input';

/** The fast path must answer exactly as the plain zod schema would: same data, same issues. */
const fast = z.object({ records: produceRecords });
const plain = z.object({ records: z.array(produceRecord).max(MAX_RECORDS_PER_REQUEST) });

const answer = (schema: z.ZodType, input: unknown) => {
  const r = schema.safeParse(input);
  return r.success ? { data: r.data } : { issues: r.error.issues, flat: z.flattenError(r.error) };
};

const text = fc.oneof(fc.string(), fc.constant('a\ud800b'), fc.constant(''));
const anyValue = fc.oneof(text, fc.constant(null), fc.constant(undefined), fc.integer(), fc.double(), fc.constant({}), fc.constant([]));
const header = fc.record(
  { key: fc.oneof(text, fc.constant(7)), value: fc.oneof(text, fc.constant(null), fc.constant(1)) },
  { requiredKeys: [] },
);
const record = fc.record(
  {
    key: anyValue,
    value: anyValue,
    headers: fc.oneof(
      fc.array(header, { maxLength: 3 }),
      fc.dictionary(
        fc.oneof(fc.string(), fc.constant('__proto__'), fc.constant('k\udc00')),
        fc.oneof(text, fc.constant(null), fc.constant(2)),
      ),
      fc.constant(null),
      fc.constant('h'),
    ),
    partition: fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 53), fc.constant('0')),
    timestamp: fc.oneof(fc.nat(), fc.constant(-1), fc.constant(8.64e15), fc.constant(8.64e15 + 1), fc.double()),
  },
  { requiredKeys: [] },
);

describe('records.produce input (fast path)', () => {
  it('answers every input as the zod schema does', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(record, { maxLength: 5 }), anyValue), (records) => {
        expect(answer(fast, { records })).toEqual(answer(plain, { records }));
      }),
      { numRuns: 2000 },
    );
    // JSON's own "__proto__" key (an own property after JSON.parse).
    const proto = JSON.parse('{"records":[{"value":"v","headers":{"__proto__":"x","k":"y"}}]}');
    expect(answer(fast, proto)).toEqual(answer(plain, proto));
  });

  it('names the one bad record among 1000, and refuses one record too many', () => {
    const records: unknown[] = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: 0 }));
    records[999] = { key: 'k', value: 5 };
    const bad = answer(fast, { records });
    expect(bad.issues?.map((i) => i.path)).toEqual([['records', 999, 'value']]);
    expect(bad).toEqual(answer(plain, { records }));
    const tooMany = { records: Array.from({ length: MAX_RECORDS_PER_REQUEST + 1 }, () => ({ value: 'v' })) };
    expect(answer(fast, tooMany).issues?.[0]).toMatchObject({ code: 'too_big', path: ['records'] });
    expect(answer(fast, tooMany)).toEqual(answer(plain, tooMany));
  });
});
