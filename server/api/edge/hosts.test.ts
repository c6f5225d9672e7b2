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

  // The request reached us as http://localhost:3000 unless the case says otherwise.
  it.each([
    ['POST', 'http://evil.example', null, false, 403],
    ['POST', 'null', null, false, 403],
    ['POST', 'not a url', null, false, 403],
    ['POST', null, 'cross-site', false, 403],
    ['POST', 'http://localhost:3000', 'cross-site', false, 403],
    ['DELETE', 'http://evil.example', null, false, 403],
    // Another port of the same host is another origin, whatever Sec-Fetch-Site says.
    ['POST', 'http://localhost:8999', null, true, 403],
    ['POST', 'http://127.0.0.1:5173', 'same-site', false, 403],
    ['POST', null, 'same-site', true, 403],
    ['POST', 'https://localhost:3000', null, true, 403],
    ['POST', 'http://127.0.0.1:3000', null, true, 403],
    // A cookie with neither header: not a request a browser makes for its own page.
    ['POST', null, null, true, 403],
    ['POST', null, 'none', true, 403],
    ['POST', 'http://localhost:3000', 'same-origin', true, null],
    ['POST', 'http://LOCALHOST:3000', null, true, null],
    ['POST', null, 'same-origin', true, null],
    ['POST', null, null, false, null],
    ['POST', null, 'none', false, null],
    ['GET', 'http://evil.example', 'cross-site', true, null],
  ] as const)('%s with Origin %j, Sec-Fetch-Site %j, cookie %j -> %j', (method, origin, secFetchSite, cookie, status) => {
    const r = checkOrigin(defaults, { method, origin, secFetchSite, cookie, host: 'localhost:3000', secure: false });
    if (status === null) expect(r).toBeNull();
    else expect(r).toMatchObject({ status, trpcCode: 'FORBIDDEN', kafka: { name: 'CLUSTER_AUTHORIZATION_FAILED', code: 31 } });
  });

  it('takes the scheme from the transport and the port from Host; a configured entry with a port adds that origin', () => {
    const facts = { method: 'POST', secFetchSite: null, cookie: true };
    expect(checkOrigin(defaults, { ...facts, origin: 'https://localhost', host: 'localhost', secure: true })).toBeNull();
    expect(checkOrigin(defaults, { ...facts, origin: 'https://localhost:443', host: 'localhost', secure: true })).toBeNull();
    expect(checkOrigin(defaults, { ...facts, origin: 'http://localhost', host: 'localhost:80', secure: false })).toBeNull();
    expect(checkOrigin(defaults, { ...facts, origin: 'https://localhost', host: 'localhost', secure: false })).not.toBeNull();
    const rules = hostRules(parseEnv({ BROOK_ALLOWED_HOSTS: 'brook.example, console.example:8443' }));
    const behind = { ...facts, host: '127.0.0.1:3000', secure: false };
    expect(checkOrigin(rules, { ...behind, origin: 'https://console.example:8443' })).toBeNull();
    // An entry without a port names a Host, never another origin.
    expect(checkOrigin(rules, { ...behind, origin: 'https://brook.example' })).not.toBeNull();
    expect(checkOrigin(rules, { ...facts, origin: 'http://brook.example:8999', host: 'brook.example:3000', secure: false })).not.toBeNull();
  });
});
