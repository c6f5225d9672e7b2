'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { Can } from '@/components/auth/auth-context';
import { Card, ErrorBox } from '@/components/ui/bits';
import { ITEMS, type Item, MAX_QUANTITY, MAX_RATE_PER_SECOND } from '@/server/examples/shop/catalog';
import type { ShopActions } from './queries';
import styles from './shop.module.css';
import type { ShopStatus } from './types';

/** The order service: one order by hand, or a generator producing up to 50 a second. */
export function OrderCard({ status, actions }: { status: ShopStatus; actions: ShopActions }) {
  const [customer, setCustomer] = useState('alice');
  const [item, setItem] = useState<Item>(ITEMS[0]);
  const [quantity, setQuantity] = useState('1');
  const placed = actions.placeOrder.data;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    actions.placeOrder.mutate({ customer, item, quantity: Number(quantity) });
  };
  const topic = `/topics/${encodeURIComponent(status.topic)}`;
  return (
    <Card title="Order service" testId="shop-order-service" actions={<Link href={topic}>{status.topic} →</Link>}>
      <p className="muted small">
        Sends each order as a record to the topic; its key is the customer, so one customer's orders stay in order.
      </p>
      <Can permission="admin">
        <form className={styles['form-grid']} onSubmit={submit} data-testid="shop-order-form">
          <label>
            Customer
            <input value={customer} onChange={(e) => setCustomer(e.target.value)} required data-testid="shop-order-customer" />
          </label>
          <label>
            Item
            <select value={item} onChange={(e) => setItem(e.target.value as Item)} data-testid="shop-order-item">
              {ITEMS.map((i) => (
                <option key={i}>{i}</option>
              ))}
            </select>
          </label>
          <label>
            Quantity
            <input
              type="number"
              min={1}
              max={MAX_QUANTITY}
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
              required
              data-testid="shop-order-quantity"
            />
          </label>
          <button type="submit" className="btn primary" disabled={actions.placeOrder.isPending} data-testid="shop-order-submit">
            Place order
          </button>
        </form>
        <ErrorBox error={actions.placeOrder.error} />
        {placed && (
          <p className="small" style={{ overflowWrap: 'anywhere' }} data-testid="shop-order-result">
            Order <span className="mono">{placed.orderId}</span> sent to{' '}
            <Link href={`${topic}/${placed.partition}/${placed.offset}`}>
              partition {placed.partition}, offset {placed.offset}
            </Link>
            .
          </p>
        )}
        <GeneratorSlider status={status} actions={actions} />
      </Can>
    </Card>
  );
}

/** The rate slider: sent once the thumb rests (150 ms), not for every pixel it moves. */
function GeneratorSlider({ status, actions }: { status: ShopStatus; actions: ShopActions }) {
  const server = status.generator.ratePerSecond;
  const [rate, setRate] = useState(server);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const dragging = useRef(false);
  useEffect(() => {
    if (!dragging.current) setRate(server);
  }, [server]);
  const change = (value: number) => {
    setRate(value);
    dragging.current = true;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      dragging.current = false;
      actions.generator.mutate({ ratePerSecond: value });
    }, 150);
  };
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <div className="stack" style={{ marginTop: 12 }}>
      <label className="strong" htmlFor="shop-generator-rate">
        Order generator: <span data-testid="shop-generator-value">{rate}</span> orders/s
      </label>
      <input
        id="shop-generator-rate"
        type="range"
        min={0}
        max={MAX_RATE_PER_SECOND}
        step={1}
        value={rate}
        onChange={(e) => change(Number(e.target.value))}
        className={styles.slider}
        data-testid="shop-generator-rate"
      />
      <ErrorBox error={actions.generator.error} />
    </div>
  );
}
