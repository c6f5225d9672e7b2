'use client';

import Link from 'next/link';
import { Ago } from '@/components/ui/ago';
import { Badge, Card } from '@/components/ui/bits';
import { formatNumber } from '@/components/ui/format';
import type { MemberLook } from './colors';
import { Members } from './members';
import type { ShopActions } from './queries';
import { ServiceControls } from './service-controls';
import { ServiceLag } from './service-lag';
import styles from './shop.module.css';
import type { ShopStatus } from './types';

const SLOW_CHOICES = [0, 100, 300, 1000];

/** The email service: the outbox of confirmations "sent", slow mode, its group's members and lag. */
export function EmailCard({ status, actions, looks }: { status: ShopStatus; actions: ShopActions; looks: Map<string, MemberLook> }) {
  const svc = status.services.email;
  const topic = `/topics/${encodeURIComponent(status.topic)}`;
  const slowChoices = SLOW_CHOICES.includes(svc.slowMs) ? SLOW_CHOICES : [...SLOW_CHOICES, svc.slowMs].sort((a, b) => a - b);
  return (
    <Card
      title={<>Email service {svc.paused && <Badge tone="warn">paused</Badge>}</>}
      testId="shop-email-service"
      actions={<ServiceLag service="email" status={status} />}
    >
      <p className={`${styles.lesson} small`}>
        At-least-once: it commits the offset after sending, so a crash between the two, or a replay, sends again.
      </p>
      <p className="small">
        Outbox: <strong data-testid="shop-outbox-size">{formatNumber(status.outbox.size)}</strong> emails sent
      </p>
      <div className="table-wrap">
        <table className="small" data-testid="shop-outbox">
          <thead>
            <tr>
              <th>To</th>
              <th>Order</th>
              <th>Record</th>
              <th>Sent</th>
            </tr>
          </thead>
          <tbody>
            {status.outbox.last.map((e) => (
              <tr key={`${e.partition}-${e.offset}`} data-testid="shop-outbox-email">
                {e.hidden ? (
                  <td colSpan={2} className="muted" title="Payloads are hidden for your role (BROOK_HIDE_PAYLOADS)">
                    hidden
                  </td>
                ) : (
                  <>
                    <td>{e.customer}</td>
                    <td>
                      {e.quantity} × {e.item}
                    </td>
                  </>
                )}
                <td className="nowrap">
                  <Link href={`${topic}/${e.partition}/${e.offset}`}>
                    {e.partition}/{e.offset}
                  </Link>
                </td>
                <td className="nowrap">
                  <Ago at={e.sentAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <label className="row small" style={{ margin: '10px 0' }}>
        Slow mode (time per email)
        <select
          value={svc.slowMs}
          onChange={(e) => actions.service.mutate({ service: 'email', slowMs: Number(e.target.value) })}
          data-testid="shop-email-slow"
        >
          {slowChoices.map((ms) => (
            <option key={ms} value={ms}>
              {ms === 0 ? 'off' : `${ms} ms`}
            </option>
          ))}
        </select>
      </label>
      <h3>Members</h3>
      <Members service="email" groupId={svc.groupId} members={svc.members} partitionCount={status.partitions.length} looks={looks} />
      <ServiceControls service="email" groupId={svc.groupId} members={svc.members.length} paused={svc.paused} actions={actions} />
    </Card>
  );
}
