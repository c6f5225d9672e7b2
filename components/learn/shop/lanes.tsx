'use client';

import Link from 'next/link';
import { Fragment, memo, useEffect, useRef, useState } from 'react';
import { base64ToBytes } from '@/components/messages/decode';
import { formatNumber } from '@/components/ui/format';
import { GROUP_COLOR, type MemberLook } from './colors';
import { laneLayout } from './lane-geometry';
import { LANE_CELLS } from './queries';
import styles from './shop.module.css';
import type { LaneRecords, ServiceName, ShopStatus } from './types';

/** One cell's width plus the gap, in px (the CSS draws cells 30 px wide). */
const STEP = 34;
/** Room kept at the right of a lane for the lag labels. */
const LABEL_ROOM = 64;
const SERVICES: ServiceName[] = ['inventory', 'email'];
const decoder = new TextDecoder();

/** What an order's cell says on hover: its customer, item and quantity, from the record's JSON value. */
function orderText(value: string | null): string {
  if (value === null) return '';
  try {
    const o = JSON.parse(decoder.decode(base64ToBytes(value))) as { customer?: string; item?: string; quantity?: number };
    return ` · ${o.customer ?? '?'}: ${o.quantity ?? '?'} × ${o.item ?? '?'}`;
  } catch {
    return '';
  }
}

/** The offset, or its last digits past 9,999 (the cell is 30 px; the tooltip has it whole). */
const cellLabel = (o: number) => (o < 10_000 ? String(o) : `…${String(o % 1000).padStart(3, '0')}`);

/** How many cells fit in the picture's width (at most LANE_CELLS): measured, so 390 px never scrolls sideways. */
function useFit() {
  const ref = useRef<HTMLDivElement>(null);
  const [fit, setFit] = useState(LANE_CELLS);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setFit(Math.max(3, Math.min(LANE_CELLS, Math.floor((el.clientWidth - LABEL_ROOM) / STEP))));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return { ref, fit };
}

/**
 * The picture: one lane per partition with its newest records as cells labelled by offset, each
 * group's committed offset as a marker, the lag as the span from marker to head, owners by colour.
 */
export const Lanes = memo(function Lanes({
  status,
  lanes,
  looks,
}: {
  status: ShopStatus;
  lanes: Array<LaneRecords | undefined>;
  looks: Map<string, MemberLook>;
}) {
  const { ref, fit } = useFit();
  const topicHref = `/topics/${encodeURIComponent(status.topic)}`;
  return (
    <div ref={ref} className={styles.lanes} data-testid="shop-lanes">
      <ul className={styles.laneLegend}>
        {SERVICES.map((s) => (
          <li key={s}>
            <span className={styles.markerSwatch} style={{ background: GROUP_COLOR[s] }} aria-hidden />
            <span>
              <Link href={`/groups/${status.services[s].groupId}`}>{status.services[s].groupId}</Link>: committed offset
            </span>
          </li>
        ))}
        <li className="muted">newest {fit} offsets per partition drawn</li>
      </ul>
      {status.partitions.map((p) => {
        const read = lanes[p.partition];
        const hw = Math.max(p.highWatermark, read?.highWatermark ?? 0);
        const layout = laneLayout({
          logStartOffset: read?.logStartOffset ?? p.logStartOffset,
          highWatermark: hw,
          fit,
          markers: SERVICES.map((s) => {
            const g = status.groups[s].partitions.find((x) => x.partition === p.partition);
            return { key: s, committedOffset: g?.committedOffset ?? null, lag: g?.lag ?? 0 };
          }),
        });
        const byOffset = new Map(read?.records.map((r) => [r.offset, r.value]));
        return (
          <div key={p.partition} className={styles.lane} data-testid={`shop-lane-${p.partition}`}>
            <div className={styles.laneHead}>
              <Link href={`${topicHref}?tab=partitions`} className="strong">
                partition {p.partition}
              </Link>
              {SERVICES.map((s) => {
                const owner = status.groups[s].partitions.find((x) => x.partition === p.partition)?.owner ?? null;
                const look = owner ? looks.get(owner) : undefined;
                return (
                  <span key={s} className={styles.owner} data-testid={`shop-lane-${p.partition}-owner-${s}`} data-owner={owner ?? ''}>
                    <span className={styles.dot} style={{ background: look?.color ?? 'transparent' }} aria-hidden />
                    {look ? look.label : `${s}: nobody`}
                  </span>
                );
              })}
              {layout.older > 0 && (
                <span className="muted small" data-testid={`shop-lane-${p.partition}-older`}>
                  +{formatNumber(layout.older)} older
                </span>
              )}
            </div>
            <div className={styles.track}>
              {layout.offsets.map((o, i) => (
                <Link
                  key={o}
                  href={`${topicHref}/${p.partition}/${o}`}
                  className={styles.cell}
                  style={{ transform: `translateX(${i * STEP}px)` }}
                  title={`offset ${o}${orderText(byOffset.get(o) ?? null)}`}
                  data-testid="shop-lane-cell"
                >
                  {cellLabel(o)}
                </Link>
              ))}
              {layout.markers.map((m) => {
                const service = m.key as ServiceName;
                const x = m.at * STEP;
                return (
                  <Fragment key={m.key}>
                    <span
                      className={`${styles.marker} ${styles[`at-${service}`]}`}
                      style={{ transform: `translateX(${x - 3}px)`, background: GROUP_COLOR[service] }}
                      data-testid={`shop-lane-${p.partition}-marker-${service}`}
                      data-committed={m.committed}
                      title={`${service}: committed offset ${formatNumber(m.committed)}${m.beyond ? ' (older than the cells drawn)' : ''}`}
                    >
                      {m.beyond && <span className={styles.beyond}>◀</span>}
                    </span>
                    <span
                      className={`${styles.span} ${styles[`at-${service}`]}`}
                      style={{ left: x, width: m.span * STEP, background: GROUP_COLOR[service] }}
                      aria-hidden
                    />
                    <span
                      className={`${styles.lagLabel} ${styles[`at-${service}`]}`}
                      style={{ left: layout.head * STEP + 4, color: GROUP_COLOR[service] }}
                      data-testid={`shop-lane-${p.partition}-lag-${service}`}
                      data-lag={m.lag}
                      title={`${service}: ${formatNumber(m.lag)} records from its committed offset to the partition's head`}
                    >
                      lag {formatNumber(m.lag)}
                    </span>
                  </Fragment>
                );
              })}
            </div>
          </div>
        );
      })}
    </div>
  );
});
