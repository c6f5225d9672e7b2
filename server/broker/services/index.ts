import type { Broker } from '../index';
import { maintainLogs } from '../log/maintenance';
import { INSTANCE_HEARTBEAT_MS } from '../stats/instances';
import { type Loop, startLoop } from './loop';

export interface ServiceOptions {
  /** Segment creation ahead of need, sealing, time/size roll, retention, orphan collection (ms). */
  logMaintenanceMs?: number;
  /** How often expired group members are looked for (ms). Heartbeats and commits also fence. */
  groupExpiryMs?: number;
  /** Lag sampling period (ms); defaults to the broker's lag sample interval. */
  lagSampleMs?: number;
  /** Audit entries past the retention, expired sessions, passed login-limit windows (ms, default hourly). */
  authCleanupMs?: number;
}

export interface Services {
  stop(): Promise<void>;
  loops: Record<string, Loop>;
}

/** The engine's background loops, one set per process; every one is safe to run in several processes at once. */
export function startServices(broker: Broker, options: ServiceOptions = {}): Services {
  const loops: Record<string, Loop> = {
    logMaintenance: startLoop('log maintenance', options.logMaintenanceMs ?? 5000, () =>
      maintainLogs(broker.db, broker.now(), undefined, undefined, broker.idempotencyWindowMs),
    ),
    groupExpiry: startLoop('group session expiry', options.groupExpiryMs ?? 1000, () => broker.groups.expireSessions()),
    sampler: startLoop('lag and throughput sampling', options.lagSampleMs ?? broker.stats.sampleIntervalMs, () => broker.stats.sample()),
    sampleRetention: startLoop('sample retention', 60_000, () => broker.stats.dropOld()),
    instance: startLoop('instance heartbeat', INSTANCE_HEARTBEAT_MS, () => broker.stats.heartbeat()),
    authCleanup: startLoop('audit retention and session expiry', options.authCleanupMs ?? 3_600_000, () => broker.auth.cleanup()),
  };
  void loops.instance.runNow(); // show up in the instances list at once
  return {
    loops,
    async stop() {
      await Promise.all(Object.values(loops).map((l) => l.stop()));
      await broker.stats.registration.leave().catch(() => {});
    },
  };
}
