'use client';

import Link from 'next/link';
import { useNow } from '@/components/ui/ago';
import type { MemberLook } from './colors';
import styles from './shop.module.css';
import type { ServiceName, ShopMember } from './types';

/** Seconds left of a crashed member's session, from the browser's clock (null before hydration). */
function countdown(expiresAt: number | null, now: number | null): string {
  if (expiresAt === null || now === null) return '';
  const s = Math.max(0, Math.ceil((expiresAt - now) / 1000));
  return s > 0 ? ` in ${s} s` : ' any moment now';
}

/**
 * A service's members: colour (as on the lanes), partitions, and why one is idle or crashed.
 * A crashed member stops heartbeating without leaving; its partitions move once its session times out.
 */
export function Members({
  service,
  groupId,
  members,
  partitionCount,
  looks,
}: {
  service: ServiceName;
  groupId: string;
  members: ShopMember[];
  partitionCount: number;
  looks: Map<string, MemberLook>;
}) {
  const now = useNow();
  if (members.length === 0) {
    return (
      <p className="muted small" data-testid={`shop-${service}-no-members`}>
        No members: nobody reads for this service, and its lag grows with every order.
      </p>
    );
  }
  return (
    <ul className={styles.members} data-testid={`shop-${service}-members`}>
      {members.map((m) => {
        const look = looks.get(m.memberId);
        const idle = !m.crashed && m.partitions.length === 0;
        return (
          <li
            key={m.memberId}
            data-testid={`shop-${service}-member`}
            data-member-id={m.memberId}
            data-partitions={m.partitions.join(',')}
            data-crashed={m.crashed}
          >
            <span className={styles.dot} style={{ background: look?.color }} aria-hidden />
            <Link href={`/groups/${groupId}`} className="strong" title={m.memberId}>
              {look?.label ?? m.memberId.slice(0, 8)}
            </Link>
            <span>
              {m.partitions.length === 0 ? 'no partitions' : `partition${m.partitions.length > 1 ? 's' : ''} ${m.partitions.join(', ')}`}
            </span>
            {m.crashed && (
              <span className="err-text" data-testid={`shop-${service}-member-crashed`}>
                crashed: no heartbeats; its partitions move when its session times out{countdown(m.sessionExpiresAt, now)}
              </span>
            )}
            {idle && (
              <span className="muted" data-testid={`shop-${service}-member-idle`}>
                idle: {m.note ?? 'waiting for the group to assign it a partition.'}
                {members.length > partitionCount &&
                  ` A partition is read by one member of a group at a time, so with ${partitionCount} partitions a member beyond ${partitionCount} waits, ready to take over.`}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
