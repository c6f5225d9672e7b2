import type { KafkaListenerReport } from '@/server/broker';
import { errorMessage } from '@/server/broker/errors';
import type { BrookEnv } from '@/server/env';
import { advertisedAddress, DEFAULT_KAFKA_LISTENER, formatHostPort, type HostPort } from './address';
import type { KafkaDispatcher } from './dispatcher';
import { KafkaListener, type KafkaTlsOptions } from './listener';

export interface KafkaListenerConfig {
  /** Undefined: the default (127.0.0.1:9092), skipped if it cannot bind. */
  listener: HostPort | 'off' | undefined;
  advertised?: HostPort;
  maxFrameBytes?: number;
  idleMs?: number;
  preAuthMaxFrameBytes?: number;
  authTimeoutMs?: number;
  maxConnectionsPerIp?: number;
  maxConnections?: number;
  /** BROOK_TLS_CERT/KEY, read and checked by server/serve/tls.ts: the listener speaks TLS. */
  tls?: KafkaTlsOptions;
}

export function kafkaListenerConfig(env: BrookEnv): KafkaListenerConfig {
  return {
    listener: env.BROOK_KAFKA_LISTENER,
    advertised: env.BROOK_KAFKA_ADVERTISED,
    maxFrameBytes: env.BROOK_KAFKA_MAX_FRAME_BYTES,
    preAuthMaxFrameBytes: env.BROOK_KAFKA_PREAUTH_MAX_BYTES,
    authTimeoutMs: env.BROOK_KAFKA_AUTH_TIMEOUT_MS,
    maxConnectionsPerIp: env.BROOK_KAFKA_MAX_CONNS_PER_IP,
    maxConnections: env.BROOK_KAFKA_MAX_CONNECTIONS,
  };
}

export interface StartedKafkaListener {
  /** Null when off or unavailable. */
  listener: KafkaListener | null;
  /** What the instance registry and the overview show (the connection count read live). */
  report: KafkaListenerReport;
}

/** A listener configured on purpose that cannot bind: start-up stops with this. */
export class KafkaListenError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'KafkaListenError';
  }
}

/**
 * Starts the Kafka listener as configured. The default address is a convenience: if it cannot bind (port
 * 9092 taken by a Kafka on this machine, or a second Brook), Brook serves HTTP without it and says so. An
 * address set in BROOK_KAFKA_LISTENER is a requirement: failing to bind throws KafkaListenError.
 */
export async function startKafkaListener(
  config: KafkaListenerConfig,
  dispatcher: KafkaDispatcher,
  { log = (line: string) => console.log(line), defaultAddress = DEFAULT_KAFKA_LISTENER } = {},
): Promise<StartedKafkaListener> {
  if (config.listener === 'off') {
    log('[brook] Kafka listener off (BROOK_KAFKA_LISTENER=off)');
    return { listener: null, report: { state: 'off' } };
  }
  const explicit = config.listener !== undefined;
  const wanted = config.listener ?? defaultAddress;
  const listener = new KafkaListener({
    dispatcher,
    maxFrameBytes: config.maxFrameBytes,
    idleMs: config.idleMs,
    tls: config.tls,
    preAuthMaxFrameBytes: config.preAuthMaxFrameBytes,
    authTimeoutMs: config.authTimeoutMs,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    maxConnections: config.maxConnections,
  });
  let bound: HostPort;
  try {
    const address = await listener.listen(wanted.host, wanted.port);
    bound = { host: wanted.host, port: address.port };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? `port ${wanted.port} was taken` : errorMessage(err);
    if (explicit) {
      throw new KafkaListenError(`cannot listen for Kafka clients on ${formatHostPort(wanted)} (BROOK_KAFKA_LISTENER): ${why}`, {
        cause: err,
      });
    }
    log(`[brook] Kafka listener not started: ${why} on ${formatHostPort(wanted)}; set BROOK_KAFKA_LISTENER to another host:port, or off`);
    return { listener: null, report: { state: 'unavailable', reason: why } };
  }
  const advertised = advertisedAddress(bound, config.advertised);
  const at = formatHostPort(bound);
  const told = formatHostPort(advertised);
  log(`[brook] Kafka listener on ${at}${config.tls ? ' (TLS)' : ''}${told === at ? '' : `, advertised as ${told}`}`);
  return {
    listener,
    report: { state: 'listening', listener: at, advertised: told, connections: () => listener.connectionCount },
  };
}
