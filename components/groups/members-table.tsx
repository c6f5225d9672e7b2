import type { GroupDescription } from '@/components/trpc/outputs';
import { Ago } from '@/components/ui/ago';
import styles from './stacked-table.module.css';

/** The group's members: client, host, epoch, what each owns (or why nothing), last heartbeat. */
export function MembersTable({ members }: { members: GroupDescription['members'] }) {
  return (
    <div className="table-wrap">
      <table className={`compact ${styles.stack}`} data-testid="group-members">
        <thead>
          <tr>
            <th>Member</th>
            <th>Client</th>
            <th>Host</th>
            <th className="num">Epoch</th>
            <th>Owns</th>
            <th>Last heartbeat</th>
          </tr>
        </thead>
        <tbody>
          {members.length === 0 && (
            <tr>
              <td colSpan={6} className="muted" data-testid="group-no-members">
                No members: nobody is consuming for this group now.
              </td>
            </tr>
          )}
          {members.map((m) => (
            <tr key={m.memberId}>
              <td className="mono" title={m.memberId} data-label="Member">
                {m.memberId.slice(0, 8)}
              </td>
              <td data-label="Client">{m.clientId}</td>
              <td data-label="Host">{m.clientHost || '–'}</td>
              <td className="num" data-label="Epoch">
                {m.memberEpoch}
              </td>
              <td data-label="Owns">
                <span>
                  {m.assignment.map((t) => `${t.topic}: ${t.partitions.join(', ')}`).join('; ') || (
                    <span className="muted">{m.note ?? 'nothing yet'}</span>
                  )}
                  {m.pendingRevocation.length > 0 && (
                    <span className="warn-text"> (releasing {m.pendingRevocation.map((t) => t.partitions.join(', ')).join('; ')})</span>
                  )}
                </span>
              </td>
              <td data-label="Last heartbeat">
                <Ago at={m.lastHeartbeat} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
