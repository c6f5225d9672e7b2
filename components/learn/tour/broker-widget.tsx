'use client';

import { useClusterOverview } from '@/components/overview/queries';
import { Badge, ErrorBox } from '@/components/ui/bits';
import { formatUptime } from '@/components/ui/format';

/** The Brook instances serving this database right now, and the database that holds every partition. */
export function BrokerWidget() {
  const cluster = useClusterOverview();
  const instances = cluster.data?.instances ?? [];
  const database = instances[0]?.database;
  return (
    <div data-testid="learn-broker-widget">
      <h3>Brook instances</h3>
      <ul className="small" data-testid="learn-broker-instances">
        {instances.map((i) => (
          <li key={i.instanceId}>
            <span className="mono">
              {i.host} · pid {i.pid}
            </span>{' '}
            <Badge tone={i.alive ? 'ok' : 'warn'}>{i.alive ? 'alive' : 'silent'}</Badge>{' '}
            <span className="muted">
              v{i.version}, up {formatUptime(i.uptimeMs)}
            </span>
          </li>
        ))}
        {cluster.data && instances.length === 0 && <li className="muted">No instance has registered yet.</li>}
      </ul>
      <h3>Storage</h3>
      <p className="small">
        One PostgreSQL database, <span className="mono">{database ?? '…'}</span>, holds every partition's log and every group's committed
        offsets.
      </p>
      <ErrorBox error={cluster.error} />
    </div>
  );
}
