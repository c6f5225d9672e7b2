import type { Broker } from '../index';
import { maintainLogs } from '../log/maintenance';
import { startLoop, type Loop } from './loop';

export interface ServiceOptions {
  /** Segment creation ahead of need, sealing, time/size roll, retention, orphan collection (ms). */
  logMaintenanceMs?: number;
}

export interface Services {
  stop(): Promise<void>;
  loops: Record<string, Loop>;
}

/** The engine's background loops, one set per process; every one is safe to run in several processes at once. */
export function startServices(broker: Broker, options: ServiceOptions = {}): Services {
  const loops: Record<string, Loop> = {
    logMaintenance: startLoop('log maintenance', options.logMaintenanceMs ?? 5000, () => maintainLogs(broker.db, broker.now())),
  };
  return {
    loops,
    async stop() {
      await Promise.all(Object.values(loops).map((l) => l.stop()));
    },
  };
}
