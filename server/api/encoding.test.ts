import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBrokerError } from '@/server/broker/errors';
import { toBytes } from './encoding';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

describe('toBytes (base64)', () => {
  it('accepts exactly the padded base64 pattern, and decodes as Buffer does', () => {
    const chars = fc.constantFrom(...'ABCQRSabz09+/=-_ !\n'.split(''));
    const text = fc.oneof(
      fc.string({ unit: chars, maxLength: 12 }),
      fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b).toString('base64')),
      fc.constantFrom('QR==', 'QUJ=', 'QUJD', 'QQ', 'QQ=', 'Q===', '', 'QQ==QQ==', 'ab-_', 'QUJD\n'),
    );
    fc.assert(
      fc.property(text, (s) => {
        let out: Uint8Array | null | Error;
        try {
          out = toBytes(s, 'base64', 'value');
        } catch (err) {
          out = err as Error;
        }
        if (BASE64.test(s)) expect(out).toEqual(Buffer.from(s, 'base64'));
        else expect(isBrokerError(out) && out.kafkaName).toBe('INVALID_REQUEST');
      }),
      { numRuns: 3000 },
    );
  });
});
