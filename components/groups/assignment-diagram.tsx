import type { GroupDescription } from '@/components/trpc/outputs';
import { partitionNumbers } from '@/components/ui/partition-select';
import { fromTopicPartitions, tpKey } from '@/server/kernel/topic-partition';

export const MEMBER_COLORS = ['#2563eb', '#16a34a', '#d97706', '#db2777', '#7c3aed', '#0891b2', '#dc2626', '#65a30d', '#9333ea', '#0d9488'];

/**
 * Which member owns which partition: one strip per topic, a box per partition colored by its owner.
 * Striped: being handed over (revoked, not yet released). Grey: nobody owns it.
 */
export function AssignmentDiagram({ group }: { group: GroupDescription }) {
  const color = new Map(group.members.map((m, i) => [m.memberId, MEMBER_COLORS[i % MEMBER_COLORS.length]]));
  const owner = new Map<string, { memberId: string; pending: boolean }>();
  for (const m of group.members) {
    for (const k of fromTopicPartitions(m.assignment)) owner.set(k, { memberId: m.memberId, pending: false });
    for (const k of fromTopicPartitions(m.pendingRevocation)) owner.set(k, { memberId: m.memberId, pending: true });
  }
  const topics = new Map<string, number>();
  for (const p of group.lag.partitions) topics.set(p.topic, Math.max(topics.get(p.topic) ?? 0, p.partition + 1));
  for (const m of group.members)
    for (const t of [...m.assignment, ...m.targetAssignment])
      topics.set(t.topic, Math.max(topics.get(t.topic) ?? 0, ...t.partitions.map((p) => p + 1)));
  return (
    <div className="assignment" data-testid="group-assignment">
      <ul className="legend">
        {group.members.map((m) => (
          <li key={m.memberId}>
            <span className="swatch" style={{ background: color.get(m.memberId) }} aria-hidden />
            <span className="mono">{m.memberId.slice(0, 8)}</span> <span className="muted">{m.clientId}</span>
          </li>
        ))}
        <li>
          <span className="swatch unowned" aria-hidden /> <span className="muted">unassigned</span>
        </li>
      </ul>
      {[...topics].map(([topic, count]) => (
        <div key={topic} className="strip">
          <div className="strip-label mono">{topic}</div>
          <div className="strip-cells">
            {partitionNumbers(count).map((p) => {
              const o = owner.get(tpKey(topic, p));
              return (
                <div
                  key={p}
                  className={`cell ${o ? '' : 'unowned'} ${o?.pending ? 'pending' : ''}`}
                  style={o ? { background: color.get(o.memberId) } : undefined}
                  title={o ? `partition ${p}: ${o.memberId}${o.pending ? ' (being released)' : ''}` : `partition ${p}: unassigned`}
                  data-testid={`group-cell-${topic}-${p}`}
                  data-owner={o?.memberId ?? ''}
                >
                  {p}
                </div>
              );
            })}
          </div>
        </div>
      ))}
    </div>
  );
}
