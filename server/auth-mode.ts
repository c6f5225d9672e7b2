import os from 'node:os';
import { type BrookEnv, EnvError } from '@/server/env';
import { DEFAULT_KAFKA_LISTENER } from '@/server/kafka/listener/address';
import type { AuthMode } from '@/server/kernel/auth-types';
import { listenHost } from '@/server/listen-host';

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost: reachable only from this machine. */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * Whether callers authenticate. BROOK_AUTH=on: they do. none: nobody does, on any address,
 * chosen on purpose. Unset or off: nobody does, which is allowed only while both the HTTP server and the
 * Kafka listener are on loopback (Redis's protected mode); otherwise start-up stops here, naming BROOK_AUTH.
 */
export function resolveAuthMode(env: BrookEnv, machineName = os.hostname()): AuthMode {
  if (env.BROOK_AUTH === 'on' || env.BROOK_AUTH === 'none') return env.BROOK_AUTH;
  const exposed: string[] = [];
  const http = listenHost(env.HOSTNAME, machineName);
  if (!isLoopback(http)) exposed.push(`HTTP on ${http} (HOSTNAME)`);
  const kafka = env.BROOK_KAFKA_LISTENER ?? DEFAULT_KAFKA_LISTENER;
  if (kafka !== 'off' && !isLoopback(kafka.host)) exposed.push(`Kafka on ${kafka.host} (BROOK_KAFKA_LISTENER)`);
  if (exposed.length === 0) return 'off';
  throw new EnvError(
    ['BROOK_AUTH'],
    [
      `BROOK_AUTH is off but Brook would listen beyond this machine (${exposed.join(', ')}): ` +
        'set BROOK_AUTH=on (and BROOK_ADMIN_PASSWORD for the first admin), or BROOK_AUTH=none to let anyone who can reach it do anything',
    ],
  );
}
