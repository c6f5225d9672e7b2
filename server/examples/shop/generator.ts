import { ITEMS, type Order } from './catalog';

const TICK_MS = 100;
const CUSTOMERS = 40;

/**
 * The order generator: every tick, the orders due at the current rate (fractions carried over), sent
 * as one produce request; a tick whose send is still in flight adds to the next one instead of piling up.
 * One item per order, so the stock lasts as long as it can (at 50/s, 10 s; then orders are refused).
 */
export class Generator {
  rate = 0;
  private timer: NodeJS.Timeout | null = null;
  private due = 0;
  private inFlight: Promise<unknown> | null = null;
  private seq = 0;

  constructor(
    private readonly send: (orders: Order[]) => Promise<unknown>,
    private readonly now: () => number,
    private readonly logError: (line: string) => void,
  ) {}

  /** Changes the rate; at 0, resolves once the send in flight (if any) has landed. */
  async setRate(ratePerSecond: number): Promise<void> {
    this.rate = ratePerSecond;
    if (ratePerSecond > 0 && !this.timer) this.timer = setInterval(() => this.tick(), TICK_MS);
    if (ratePerSecond === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
      this.due = 0;
    }
    if (ratePerSecond === 0) await this.inFlight;
  }

  private tick(): void {
    this.due += (this.rate * TICK_MS) / 1000;
    const n = Math.floor(this.due);
    if (n === 0 || this.inFlight) return;
    this.due -= n;
    const orders = Array.from({ length: n }, () => this.order());
    this.inFlight = this.send(orders)
      .catch((err) => this.logError(`generator: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.inFlight = null;
      });
  }

  private order(): Order {
    this.seq++;
    const customer = `c-${String(1 + Math.floor(Math.random() * CUSTOMERS)).padStart(3, '0')}`;
    const item = ITEMS[Math.floor(Math.random() * ITEMS.length)];
    return { orderId: `g-${this.now().toString(36)}-${this.seq}`, customer, item, quantity: 1, placedAt: this.now() };
  }
}
