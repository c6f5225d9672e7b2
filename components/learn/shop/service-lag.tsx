import Link from 'next/link';
import { formatNumber } from '@/components/ui/format';
import type { ServiceName, ShopStatus } from './types';

/** A service card's corner: its group's lag now and a link to the group's console page. */
export function ServiceLag({ service, status }: { service: ServiceName; status: ShopStatus }) {
  const { groupId } = status.services[service];
  const { lag } = status.groups[service];
  return (
    <span className="small">
      lag{' '}
      <strong data-testid={`shop-${service}-lag`} data-lag={lag}>
        {formatNumber(lag)}
      </strong>{' '}
      · <Link href={`/groups/${groupId}`}>{groupId} →</Link>
    </span>
  );
}
