'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import { useCan } from '@/components/auth/auth-context';
import { Card, EmptyState, ErrorBox, PageHeader } from '@/components/ui/bits';
import { memberLooks } from './colors';
import { EmailCard } from './email-card';
import { InventoryCard } from './inventory-card';
import { Lanes } from './lanes';
import { OrderCard } from './order-card';
import { useLaneRecords, useShopActions, useShopStatus } from './queries';
import { ResetButton } from './reset-dialog';
import styles from './shop.module.css';
import type { LaneRecords, ShopStatus } from './types';
import { useFrameValue } from './use-frame-value';

/** /learn/online-store: orders → Kafka → inventory and email, on the live broker. */
export function OnlineStorePage() {
  const status = useShopStatus();
  const actions = useShopActions();
  const canRun = useCan('admin');
  const s = status.data;
  return (
    <>
      <PageHeader
        title="The online store"
        crumbs={[{ href: '/learn', label: 'Learn' }]}
        subtitle="A small shop whose services talk through Kafka: real records, real consumer groups, on this Brook."
        actions={s && canRun && <ResetButton topic={s.topic} actions={actions} />}
      />
      <p className={styles.story} data-testid="shop-story">
        When a customer places an order, the order service sends a message to Kafka; the inventory service and the email service both listen
        to that topic and take action. The services are connected through Kafka, not directly.
      </p>
      <ErrorBox error={status.error} />
      {s && !s.running && (
        <EmptyState title="The example is not running" testId="shop-not-running">
          <p>Start creates the topic {s.topic} (3 partitions) if it is missing and starts the three services in this Brook process.</p>
          {s.instance && (
            <p data-testid="shop-instance-elsewhere">
              It runs now in another Brook process on this database: {s.instance.host} (pid {s.instance.pid}).
            </p>
          )}
          {canRun ? (
            <button
              type="button"
              className="btn primary"
              disabled={actions.start.isPending}
              onClick={() => actions.start.mutate()}
              data-testid="shop-start"
            >
              Start the example
            </button>
          ) : (
            <p data-testid="shop-admin-only">An admin can start it.</p>
          )}
          <ErrorBox error={actions.start.error} />
        </EmptyState>
      )}
      {s?.running && s.instance && (
        <p className="muted small" data-testid="shop-instance">
          Running in the Brook process on {s.instance.host} (pid {s.instance.pid}); its members are in{' '}
          <Link href="/groups">consumer groups</Link> like any other.
        </p>
      )}
      {s?.running && s.partitions.length > 0 && <Running status={s} actions={actions} />}
    </>
  );
}

function Running({ status, actions }: { status: ShopStatus; actions: ReturnType<typeof useShopActions> }) {
  const lanes = useLaneRecords(status.topic, status.partitions.length, !actions.reset.isPending);
  const looks = useMemo(() => memberLooks(status), [status]);
  const email = status.services.email;
  // Orders arrived while email was paused and inventory kept reading: the moment the lesson is visible.
  const decoupled = email.paused && !status.services.inventory.paused && status.groups.email.lag > 0;
  return (
    <>
      <div className={styles.cards}>
        <OrderCard status={status} actions={actions} />
        <InventoryCard status={status} actions={actions} looks={looks} />
        <EmailCard status={status} actions={actions} looks={looks} />
      </div>
      <Card
        title="The picture: partitions of shop.orders"
        testId="shop-picture"
        actions={<Link href={`/topics/${encodeURIComponent(status.topic)}`}>{status.topic} →</Link>}
      >
        <p className="muted small">
          Each lane is a partition, each cell a record labelled by its offset. A marker is where a group has committed; the span from it to
          the head is its lag. Colours show which member reads the lane.
        </p>
        {decoupled && (
          <p className={`${styles.lesson} ${styles.decoupling}`} data-testid="shop-decoupling">
            Email is paused, yet orders still flow and the stock still updates: the services are decoupled by Kafka. When email resumes, it
            catches up from its committed offset.
          </p>
        )}
        <Picture status={status} lanes={lanes} />
      </Card>
    </>
  );
}

/** One render of the picture per animation frame, however many of its reads landed in it. */
function Picture({ status, lanes }: { status: ShopStatus; lanes: Array<LaneRecords | undefined> }) {
  const latest = useMemo(() => ({ status, lanes }), [status, lanes]);
  const frame = useFrameValue(latest);
  const looks = useMemo(() => memberLooks(frame.status), [frame.status]);
  return <Lanes status={frame.status} lanes={frame.lanes} looks={looks} />;
}
