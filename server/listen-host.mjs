// Prints the address `npm start`/`serve`/`dev` listen on: HOSTNAME when it was set on purpose, else
// 127.0.0.1. Docker and some distributions' shell profiles (Fedora, RHEL) export HOSTNAME as the
// machine's own name; binding that would expose an unauthenticated broker on the network, so an
// inherited HOSTNAME equal to the machine's name is ignored (set HOSTNAME=0.0.0.0 or an address).
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export function listenHost(hostname, machineName = os.hostname()) {
  const h = (hostname ?? '').trim();
  if (!h || h === machineName) return '127.0.0.1';
  return h;
}

if (process.argv[1] && fs.realpathSync(fileURLToPath(import.meta.url)) === fs.realpathSync(process.argv[1])) {
  process.stdout.write(listenHost(process.env.HOSTNAME));
}
