import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/server/env';
import { checkHost, checkOrigin, hostName, hostRules } from './hosts';

describe('edge host rules', () => {
  it.each([
    ['localhost:3000', 'localhost'],
    ['LocalHost', 'localhost'],
    ['127.0.0.1:80', '127.0.0.1'],
    ['[::1]:3000', '[::1]'],
    ['brook.internal.', 'brook.internal'],
    ['evil.example:1', 'evil.example'],
    ['a b', null],
    ['', null],
    ['x:99999999', null],
    [null, null],
  ])('hostName(%j) = %j', (host, name) => {
    expect(hostName(host)).toBe(name);
  });

  const defaults = hostRules(parseEnv({}));
  it.each(['localhost', 'localhost:3140', '127.0.0.1:3140', '[::1]:8080'])('accepts loopback Host %s by default, any port', (host) => {
    expect(checkHost(defaults, host)).toBeNull();
  });

  it.each(['evil.example', '127.0.0.1.nip.io', 'localhost.evil.example:3000', '10.0.0.5:3000', '', null])(
    'refuses Host %j by default with 421',
    (host) => {
      const r = checkHost(defaults, host);
      expect(r).toMatchObject({ status: 421, kafka: { name: 'CLUSTER_AUTHORIZATION_FAILED' } });
      expect(r!.message).toContain('BROOK_ALLOWED_HOSTS');
    },
  );

  it('adds BROOK_ALLOWED_HOSTS and a specific HOSTNAME, not a wildcard bind', () => {
    const rules = hostRules(parseEnv({ BROOK_ALLOWED_HOSTS: ' brook.example , 10.0.0.5', HOSTNAME: '192.168.1.9' }));
    for (const h of ['brook.example', 'BROOK.example:443', '10.0.0.5:3000', '192.168.1.9:3000', 'localhost'])
      expect(checkHost(rules, h)).toBeNull();
    expect(checkHost(rules, 'other.example')).not.toBeNull();
    expect(hostRules(parseEnv({ HOSTNAME: '0.0.0.0' })).hosts).toEqual(defaults.hosts);
    expect(hostRules(parseEnv({ HOSTNAME: '::' })).hosts).toEqual(defaults.hosts);
    expect(checkHost(hostRules(parseEnv({ HOSTNAME: 'fd00::1' })), '[fd00::1]:3000')).toBeNull();
    expect(checkHost(hostRules(parseEnv({ BROOK_ALLOWED_HOSTS: '*' })), 'anything.example')).toBeNull();
  });

  it.each([
    ['POST', 'http://evil.example', null, 403],
    ['POST', 'null', null, 403],
    ['POST', 'not a url', null, 403],
    ['POST', null, 'cross-site', 403],
    ['POST', 'http://localhost:3000', 'cross-site', 403],
    ['DELETE', 'http://evil.example', null, 403],
    ['POST', 'http://localhost:3000', 'same-origin', null],
    ['POST', 'http://127.0.0.1:5173', 'same-site', null],
    ['POST', null, null, null],
    ['POST', null, 'none', null],
    ['GET', 'http://evil.example', 'cross-site', null],
  ] as const)('%s with Origin %j and Sec-Fetch-Site %j -> %j', (method, origin, secFetchSite, status) => {
    const r = checkOrigin(defaults, { method, origin, secFetchSite });
    if (status === null) expect(r).toBeNull();
    else expect(r).toMatchObject({ status, trpcCode: 'FORBIDDEN', kafka: { name: 'CLUSTER_AUTHORIZATION_FAILED', code: 31 } });
  });
});
