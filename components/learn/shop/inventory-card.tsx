'use client';

import { Badge, Card } from '@/components/ui/bits';
import { formatNumber } from '@/components/ui/format';
import { INITIAL_STOCK } from '@/server/examples/shop/catalog';
import type { MemberLook } from './colors';
import { Members } from './members';
import type { ShopActions } from './queries';
import { ServiceControls } from './service-controls';
import { ServiceLag } from './service-lag';
import styles from './shop.module.css';
import type { ShopStatus } from './types';

/** The inventory service: stock per item, its group's members and lag, and the controls. */
export function InventoryCard({ status, actions, looks }: { status: ShopStatus; actions: ShopActions; looks: Map<string, MemberLook> }) {
  const svc = status.services.inventory;
  return (
    <Card
      title={<>Inventory service {svc.paused && <Badge tone="warn">paused</Badge>}</>}
      testId="shop-inventory-service"
      actions={<ServiceLag service="inventory" status={status} />}
    >
      <p className={`${styles.lesson} small`}>
        Exactly-once effect by storing the offset with the data: each stock change and the offset it came from are written in one
        transaction, so a replay or a rebalance never takes an order off the stock twice.
      </p>
      <div className="table-wrap">
        <table data-testid="shop-stock">
          <thead>
            <tr>
              <th>Item</th>
              <th className="num">In stock</th>
              <th className="num">Sold</th>
            </tr>
          </thead>
          <tbody>
            {status.stock.map((s) => (
              <tr key={s.item}>
                <td>{s.item}</td>
                <td className="num" data-testid={`shop-stock-${s.item}`}>
                  {formatNumber(s.quantity)}
                </td>
                <td className="num muted">{formatNumber(INITIAL_STOCK - s.quantity)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="small muted">
        Redelivered orders skipped as already applied:{' '}
        <strong data-testid="shop-inventory-skipped">{formatNumber(svc.duplicatesSkipped)}</strong>
      </p>
      <h3>Members</h3>
      <Members service="inventory" groupId={svc.groupId} members={svc.members} partitionCount={status.partitions.length} looks={looks} />
      <ServiceControls service="inventory" groupId={svc.groupId} members={svc.members.length} paused={svc.paused} actions={actions} />
    </Card>
  );
}
