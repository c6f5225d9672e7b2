import { describe, expect, it } from 'vitest';
import { lostCommit } from './hold';
import { transientKind } from './transient';

const err = (code: string, cause?: unknown) => Object.assign(new Error(`failure ${code}`), { code, cause });

describe('transient database errors', () => {
  it.each([
    ['ECONNREFUSED', 'unavailable'],
    ['ECONNRESET', 'unavailable'],
    ['CONNECTION_CLOSED', 'unavailable'],
    ['CONNECTION_ENDED', 'unavailable'],
    ['CONNECTION_DESTROYED', 'unavailable'],
    ['CONNECT_TIMEOUT', 'unavailable'],
    ['57P01', 'unavailable'], // admin_shutdown
    ['57P02', 'unavailable'], // crash_shutdown
    ['57P03', 'unavailable'], // cannot_connect_now
    ['08006', 'unavailable'], // connection_failure
    ['53300', 'unavailable'], // too_many_connections
    ['40001', 'conflict'], // serialization_failure
    ['40P01', 'conflict'], // deadlock_detected
    ['57014', 'timeout'], // query_canceled (statement_timeout)
  ])('%s is %s', (code, kind) => {
    expect(transientKind(err(code))).toBe(kind);
  });

  it.each(['23505', '42P01', '22P02', 'ENOENT', 'ERR_INVALID_ARG_TYPE'])('%s is not transient', (code) => {
    expect(transientKind(err(code))).toBeNull();
  });

  it('a Unix socket that is gone (server down) is unavailable; a missing file elsewhere is not', () => {
    expect(transientKind(Object.assign(err('ENOENT'), { syscall: 'connect' }))).toBe('unavailable');
    expect(transientKind(Object.assign(err('ENOENT'), { syscall: 'open' }))).toBeNull();
  });

  it('looks through causes, and ignores values that are not errors', () => {
    expect(transientKind(new Error('wrapped', { cause: err('ECONNRESET') }))).toBe('unavailable');
    expect(transientKind(null)).toBeNull();
    expect(transientKind('ECONNREFUSED')).toBeNull();
  });

  it('a connection lost during COMMIT is its own kind, even though its cause is a lost connection', () => {
    const lost = lostCommit(err('CONNECTION_CLOSED'), null);
    expect(transientKind(lost)).toBe('commit-unknown');
    expect(transientKind(new Error('wrapped', { cause: lost }))).toBe('commit-unknown');
  });
});
