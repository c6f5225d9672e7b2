import { describe, expect, it } from 'vitest';
import { listenHost } from './listen-host';

describe('the address npm start listens on', () => {
  it('is loopback unless HOSTNAME was set on purpose', () => {
    expect(listenHost(undefined, 'vm')).toBe('127.0.0.1');
    expect(listenHost('', 'vm')).toBe('127.0.0.1');
    // Exported by Docker and Fedora/RHEL profiles as the machine's name: binding it would expose Brook.
    expect(listenHost('vm', 'vm')).toBe('127.0.0.1');
    expect(listenHost('0.0.0.0', 'vm')).toBe('0.0.0.0');
    expect(listenHost('10.0.0.5', 'vm')).toBe('10.0.0.5');
  });
});
