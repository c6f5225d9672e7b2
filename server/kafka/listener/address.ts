import os from 'node:os';

/** A `host:port` as BROOK_KAFKA_LISTENER and BROOK_KAFKA_ADVERTISED spell it (IPv6 in brackets). */
export interface HostPort {
  host: string;
  port: number;
}

export const DEFAULT_KAFKA_LISTENER: HostPort = { host: '127.0.0.1', port: 9092 };

const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/** `host:port`, `[v6]:port`; port from `minPort` (0 = any free port, for a listener) to 65535. Null if not one. */
export function parseHostPort(text: string, minPort = 1): HostPort | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const host = m[1] ?? m[2];
  const port = Number(m[3]);
  if (port < minPort || port > 65_535) return null;
  if (m[2] !== undefined && !HOST.test(host)) return null;
  return { host, port };
}

export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

/**
 * The address clients are told to connect to: BROOK_KAFKA_ADVERTISED when set, else the bound one. A
 * wildcard bind (0.0.0.0, ::) is no address a client can dial, so it advertises the machine's name,
 * as Kafka does when advertised.listeners is unset (set BROOK_KAFKA_ADVERTISED if that name does not resolve).
 */
export function advertisedAddress(bound: HostPort, explicit: HostPort | undefined, machineName = os.hostname()): HostPort {
  if (explicit) return explicit;
  return WILDCARDS.has(bound.host) ? { host: machineName, port: bound.port } : bound;
}
