import { describe, expect, it } from 'vitest';
import { isLoopback, resolveAuthMode } from './auth-mode';
import { EnvError, parseEnv } from './env';

const mode = (vars: Record<string, string | undefined>) => resolveAuthMode(parseEnv(vars), 'vm');

describe('the auth mode', () => {
  it('is off by default while HTTP and Kafka listen on loopback (or Kafka is off)', () => {
    expect(mode({})).toBe('off');
    expect(mode({ BROOK_AUTH: 'off', HOSTNAME: '127.0.0.1', BROOK_KAFKA_LISTENER: '[::1]:9092' })).toBe('off');
    expect(mode({ HOSTNAME: 'localhost', BROOK_KAFKA_LISTENER: 'off' })).toBe('off');
    // An inherited HOSTNAME equal to the machine's name is ignored (listen-host.ts): still loopback.
    expect(mode({ HOSTNAME: 'vm' })).toBe('off');
  });

  it('is what BROOK_AUTH says when it is on or none, on any address', () => {
    expect(mode({ BROOK_AUTH: 'on' })).toBe('on');
    expect(mode({ BROOK_AUTH: 'on', HOSTNAME: '0.0.0.0' })).toBe('on');
    expect(mode({ BROOK_AUTH: 'none', HOSTNAME: '0.0.0.0', BROOK_KAFKA_LISTENER: '0.0.0.0:9092' })).toBe('none');
  });

  it('refuses to start with auth off on a non-loopback address, naming BROOK_AUTH and the listener', () => {
    const cases: Record<string, string | undefined>[] = [
      { HOSTNAME: '0.0.0.0' },
      { BROOK_AUTH: 'off', BROOK_KAFKA_LISTENER: '10.0.0.5:9092' },
      { HOSTNAME: '::' },
    ];
    for (const vars of cases) {
      let err: unknown = null;
      try {
        mode(vars);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EnvError);
      expect((err as EnvError).variables).toEqual(['BROOK_AUTH']);
      expect((err as Error).message).toMatch(/BROOK_AUTH=on/);
      expect((err as Error).message).toMatch(vars.BROOK_KAFKA_LISTENER ? /Kafka on 10\.0\.0\.5/ : /HTTP on/);
    }
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'])
      expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.com', '127.0.0.1.example.com'])
      expect(isLoopback(h), h).toBe(false);
  });
});
