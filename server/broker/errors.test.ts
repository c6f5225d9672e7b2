import { describe, expect, it } from 'vitest';
import { asBrokerError, BrokerError, errorMessage, KAFKA_ERRORS } from './errors';

describe('errorMessage: a readable message for anything thrown', () => {
  it('keeps Error messages, with the code and the cause', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBe('ENOENT no such file');
    expect(errorMessage(new Error('open failed', { cause: new Error('disk full') }))).toBe('open failed (cause: disk full)');
  });

  it('never prints [object Object]: error-likes from another realm, plain objects, odd values', () => {
    expect(errorMessage({ name: 'ExitStatus', message: 'Program terminated with exit(1)', status: 1 })).toBe(
      'Program terminated with exit(1)',
    );
    expect(errorMessage({ name: 'ErrnoError', errno: 44 })).toBe('ErrnoError (errno 44)');
    expect(errorMessage({ status: 1, reason: 'aborted' })).toBe('{"status":1,"reason":"aborted"}');
    const circular: Record<string, unknown> = { kind: 'loop' };
    circular.self = circular;
    expect(errorMessage(circular)).toMatch(/kind: 'loop'/);
    expect(errorMessage({})).not.toBe('[object Object]');
    expect(errorMessage('text')).toBe('text');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});

describe('asBrokerError: transient database failures as retriable Kafka errors', () => {
  it('maps connection loss, conflicts and timeouts, with a message that names no host', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' });
    const e = asBrokerError(refused)!;
    expect(e).toMatchObject({ kafkaName: 'KAFKA_STORAGE_ERROR', kafkaCode: 56, retriable: true });
    expect(e.message).not.toMatch(/10\.1\.2\.3|5432|ECONN/);
    expect(asBrokerError(Object.assign(new Error('could not serialize'), { code: '40001' }))).toMatchObject({
      kafkaName: 'KAFKA_STORAGE_ERROR',
    });
    expect(asBrokerError(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }))).toMatchObject({
      kafkaName: 'REQUEST_TIMED_OUT',
      retriable: true,
    });
  });

  it('keeps broker errors as they are and leaves other failures alone', () => {
    const own = new BrokerError('INVALID_CONFIG', 'bad');
    expect(asBrokerError(own)).toBe(own);
    expect(asBrokerError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeNull();
    expect(asBrokerError(new TypeError('x is undefined'))).toBeNull();
  });
});

describe("KAFKA_ERRORS: Kafka's table", () => {
  it('has one name per code, with the codes and retriability of Errors.java for the ones clients act on', () => {
    const codes = Object.values(KAFKA_ERRORS).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(KAFKA_ERRORS.OUT_OF_ORDER_SEQUENCE_NUMBER).toEqual({ code: 45, retriable: false });
    expect(KAFKA_ERRORS.INVALID_PRODUCER_EPOCH).toEqual({ code: 47, retriable: false });
    expect(KAFKA_ERRORS.UNKNOWN_PRODUCER_ID).toEqual({ code: 59, retriable: false });
    expect(KAFKA_ERRORS.PRODUCER_FENCED).toEqual({ code: 90, retriable: false });
    expect(KAFKA_ERRORS.NOT_COORDINATOR).toEqual({ code: 16, retriable: true });
    expect(KAFKA_ERRORS.UNSUPPORTED_VERSION).toEqual({ code: 35, retriable: false });
    expect(KAFKA_ERRORS.MEMBER_ID_REQUIRED).toEqual({ code: 79, retriable: false });
  });
});
