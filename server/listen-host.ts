// The address the server listens on: HOSTNAME when it was set on purpose, else 127.0.0.1. Docker and
// some distributions' shell profiles (Fedora, RHEL) export HOSTNAME as the machine's own name; binding
// that would expose an unauthenticated broker on the network, so an inherited HOSTNAME equal to the
// machine's name is ignored (set HOSTNAME=0.0.0.0 or an address).
import os from 'node:os';

export function listenHost(hostname: string | undefined, machineName = os.hostname()): string {
  const h = (hostname ?? '').trim();
  if (!h || h === machineName) return '127.0.0.1';
  return h;
}
