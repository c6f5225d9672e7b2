import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Database } from '@/db/client';
import { kafkaError, relayed } from '@/server/api/errors';
import { type Admin, type EachMessagePayload, isBrookError, type Producer } from '@/server/client';
import type { KafkaErrorName } from '@/server/kernel/kafka-errors';
import { inProcessBrook } from '../in-process';
import {
  DEFAULT_EMAIL_SLOW_MS,
  DEFAULT_MEMBERS,
  EMAIL_GROUP,
  INVENTORY_GROUP,
  isItem,
  type Order,
  SHOP_PARTITIONS,
  SHOP_TOPIC,
  type ShopService,
} from './catalog';
import { Generator } from './generator';
import { MemberPool } from './members';
import { readStatus, type ShopStatus } from './status';
import { appendEmail, applyOrder, claimRunner, type Runner, releaseRunner, resetTables, seedStock } from './store';

export interface ShopOptions {
  /** The example's topic; its groups are named after it unless given (tests run their own copy). */
  topic?: string;
  inventoryGroup?: string;
  emailGroup?: string;
  /** The members' session timeout (ms): after a crash, how long until the partitions move. */
  sessionTimeoutMs?: number;
  /** How often members commit what they handled (ms, default 500: the page's lag markers move smoothly). */
  commitIntervalMs?: number;
  now?: () => number;
  logError?: (line: string) => void;
}

export interface OrderInput {
  customer: string;
  item: string;
  quantity: number;
}

export interface ServiceChange {
  service: ShopService;
  paused?: boolean;
  members?: number;
  slowMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The online-store example: an order service (placeOrder and a generator) producing to `shop.orders`,
 * and two services reading it as consumer groups, all with Brook's own client library in this process.
 * `fetch` reaches Brook's HTTP API (in-process from the router: real HTTP semantics without a socket).
 * What only an admin may do (create and delete the topic, reset offsets, delete groups) goes through the
 * `admin` client the caller gives, acting as that caller. Controls are serialised, so a replay never
 * interleaves with a reset.
 */
export class Shop {
  readonly topic: string;
  private readonly groups: Record<ShopService, string>;
  private readonly producer: Producer;
  /** The services' own view (describe the topic and groups, remove crashed members). */
  private readonly view: Admin;
  private readonly pools: Record<ShopService, MemberPool>;
  private readonly generatorLoop: Generator;
  private readonly now: () => number;
  private readonly runner: Runner;
  private running = false;
  private desired = { ...DEFAULT_MEMBERS };
  private slowMs = DEFAULT_EMAIL_SLOW_MS;
  /** Deliveries the inventory skipped as already applied (redelivered after a rebalance, or replayed). */
  private duplicatesSkipped = 0;
  private controls: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    fetchFn: typeof fetch,
    options: ShopOptions = {},
  ) {
    this.topic = options.topic ?? SHOP_TOPIC;
    this.now = options.now ?? Date.now;
    this.groups = { inventory: options.inventoryGroup ?? INVENTORY_GROUP, email: options.emailGroup ?? EMAIL_GROUP };
    const brook = inProcessBrook(fetchFn, 'shop');
    this.producer = brook.producer();
    this.view = inProcessBrook(fetchFn, 'shop', { forRequest: true }).admin();
    const logError = options.logError ?? ((line: string) => console.error(`[brook] shop: ${line}`));
    const settings = (service: ShopService) => ({
      groupId: this.groups[service],
      topic: this.topic,
      clientId: `${service}-service`,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
      commitIntervalMs: options.commitIntervalMs ?? 500,
      logError,
    });
    this.pools = {
      inventory: new MemberPool(brook, settings('inventory'), (p) => this.inventory(p)),
      email: new MemberPool(brook, settings('email'), (p) => this.email(p)),
    };
    this.generatorLoop = new Generator((orders) => this.send(orders, 'generator'), this.now, logError);
    this.runner = { host: os.hostname(), pid: process.pid, startedAt: this.now() };
  }

  // --- controls ------------------------------------------------------------------------------------

  /** Creates the topic if missing (existing data is kept), seeds missing stock, starts the services. Idempotent. */
  start(admin: Admin): Promise<ShopStatus> {
    return this.serial(async () => {
      if (!this.running) {
        await this.ensureTopic(admin);
        await seedStock(this.db, this.topic);
        await claimRunner(this.db, this.topic, { ...this.runner, startedAt: this.now() });
        this.running = true;
        await this.pools.inventory.scaleTo(this.desired.inventory);
        await this.pools.email.scaleTo(this.desired.email);
      }
      return this.readStatus();
    });
  }

  /** The generator stops and every member leaves its group (crashed ones are removed too). */
  stop(): Promise<void> {
    return this.serial(() => this.halt());
  }

  status(): Promise<ShopStatus> {
    return this.readStatus();
  }

  async placeOrder(input: OrderInput): Promise<{ partition: number; offset: number; orderId: string }> {
    if (!isItem(input.item)) throw kafkaError('INVALID_REQUEST', `Unknown item "${input.item}".`);
    const order: Order = {
      orderId: newOrderId(),
      customer: input.customer,
      item: input.item,
      quantity: input.quantity,
      placedAt: this.now(),
    };
    const [sent] = await this.send([order], 'web');
    return { ...sent, orderId: order.orderId };
  }

  generator(ratePerSecond: number, admin: Admin): Promise<ShopStatus> {
    return this.serial(async () => {
      if (ratePerSecond > 0) await this.ensureTopic(admin);
      await this.generatorLoop.setRate(ratePerSecond);
      return this.readStatus();
    });
  }

  service(change: ServiceChange): Promise<ShopStatus> {
    return this.serial(async () => {
      const pool = this.pools[change.service];
      if (change.slowMs !== undefined && change.service === 'email') this.slowMs = change.slowMs;
      if (change.paused !== undefined) pool.setPaused(change.paused);
      if (change.members !== undefined) {
        this.desired[change.service] = change.members;
        if (this.running) await pool.scaleTo(change.members);
      }
      return this.readStatus();
    });
  }

  /** The newest member stops heartbeating without leaving; its partitions move after the session timeout. */
  crashMember(service: ShopService): Promise<{ memberId: string | null }> {
    return this.serial(async () => {
      if (this.pools[service].liveCount === 0)
        throw kafkaError('INVALID_REQUEST', `The ${service} service has no running member to crash here.`);
      const memberId = await this.pools[service].crashNewest();
      // The count asked for now includes the crashed one no more: "add member" starts a fresh one.
      this.desired[service] = this.pools[service].liveCount;
      return { memberId };
    });
  }

  /**
   * Kafka's replay: a group's offsets can only be reset while it has no members, so its members leave
   * (crashed ones are removed as an admin would), offsets go to the earliest, and the members start again.
   */
  replay(service: ShopService, admin: Admin): Promise<ShopStatus> {
    return this.serial(async () => {
      const pool = this.pools[service];
      const groupId = this.groups[service];
      await this.removeAll(service);
      try {
        await admin.resetOffsets({ groupId, topic: this.topic, to: 'earliest' });
      } catch (err) {
        relay(err);
      } finally {
        // Refused (members of another process still in the group: NON_EMPTY_GROUP)? Ours come back all the same.
        if (this.running) await pool.scaleTo(this.desired[service]);
      }
      return this.readStatus();
    });
  }

  /** Stops everything, deletes and recreates the topic, back to initial stock, outbox emptied, groups deleted. */
  reset(admin: Admin): Promise<ShopStatus> {
    return this.serial(async () => {
      await this.halt();
      await admin.deleteTopics({ topics: [this.topic] }).catch(ignore('UNKNOWN_TOPIC_OR_PARTITION'));
      for (const groupId of Object.values(this.groups)) await admin.deleteGroups([groupId]).catch(ignore('GROUP_ID_NOT_FOUND'));
      await resetTables(this.db, this.topic);
      await this.ensureTopic(admin);
      this.desired = { ...DEFAULT_MEMBERS };
      this.slowMs = DEFAULT_EMAIL_SLOW_MS;
      this.duplicatesSkipped = 0;
      this.pools.inventory.setPaused(false);
      this.pools.email.setPaused(false);
      return this.readStatus();
    });
  }

  // --- the services -------------------------------------------------------------------------------

  private async inventory({ partition, message }: EachMessagePayload): Promise<void> {
    const order = parseOrder(message.value);
    if (!order) return; // not an order (someone produced by hand): nothing to apply
    const outcome = await applyOrder(this.db, this.topic, { partition, offset: Number(message.offset) }, order);
    if (outcome === 'already-applied') this.duplicatesSkipped++;
  }

  private async email({ partition, message }: EachMessagePayload): Promise<void> {
    const order = parseOrder(message.value);
    if (!order) return;
    if (this.slowMs > 0) await sleep(this.slowMs); // "sending" takes a while: makes lag visible
    await appendEmail(this.db, this.topic, {
      orderId: order.orderId,
      customer: order.customer,
      item: order.item,
      quantity: order.quantity,
      partition,
      offset: Number(message.offset),
      sentAt: this.now(),
    });
  }

  // --- helpers ------------------------------------------------------------------------------------

  private async send(orders: Order[], source: 'web' | 'generator'): Promise<Array<{ partition: number; offset: number }>> {
    const messages = orders.map((o) => ({
      key: o.customer,
      value: JSON.stringify(o),
      headers: { source, 'content-type': 'application/json' },
    }));
    try {
      const sent = await this.producer.send({ topic: this.topic, messages });
      return sent.map((r) => ({ partition: r.partition, offset: Number(r.offset) }));
    } catch (err) {
      if (isBrookError(err, 'UNKNOWN_TOPIC_OR_PARTITION'))
        throw kafkaError(
          'UNKNOWN_TOPIC_OR_PARTITION',
          `Topic "${this.topic}" does not exist yet: start the example first (it creates the topic).`,
        );
      relay(err);
    }
  }

  private async ensureTopic(admin: Admin): Promise<void> {
    // createTopics answers false for a topic that exists: its data is kept.
    await admin.createTopics({ topics: [{ topic: this.topic, numPartitions: SHOP_PARTITIONS }] }).catch(relay);
  }

  private async halt(): Promise<void> {
    await this.generatorLoop.setRate(0);
    this.running = false;
    await Promise.all([this.removeAll('inventory'), this.removeAll('email')]);
    await releaseRunner(this.db, this.topic, this.runner);
  }

  /** Live members leave; crashed ones are removed from the group on their behalf (Kafka's removeMembersFromConsumerGroup). */
  private async removeAll(service: ShopService): Promise<void> {
    const groupId = this.groups[service];
    const crashed = await this.pools[service].stopAll();
    await this.view.removeGroupMembers({ groupId, memberIds: crashed }).catch(relay);
  }

  private readStatus(): Promise<ShopStatus> {
    return readStatus({
      db: this.db,
      admin: this.view,
      topic: this.topic,
      running: this.running,
      ratePerSecond: this.generatorLoop.rate,
      slowMs: this.slowMs,
      duplicatesSkipped: this.duplicatesSkipped,
      pools: {
        inventory: { groupId: this.groups.inventory, pool: this.pools.inventory },
        email: { groupId: this.groups.email, pool: this.pools.email },
      },
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.controls.then(fn, fn);
    this.controls = run.catch(() => {});
    return run;
  }
}

const newOrderId = () => `o-${randomUUID().slice(0, 8)}`;

function parseOrder(value: Buffer | null): Order | null {
  if (!value) return null;
  try {
    const o = JSON.parse(value.toString('utf8')) as Partial<Order>;
    if (typeof o.orderId !== 'string' || typeof o.customer !== 'string' || typeof o.item !== 'string' || !isItem(o.item)) return null;
    if (!Number.isSafeInteger(o.quantity) || (o.quantity ?? 0) <= 0) return null;
    return o as Order;
  } catch {
    return null;
  }
}

/** Passes `name`; anything else is answered with the Kafka name it came with. */
function ignore(name: KafkaErrorName) {
  return (err: unknown) => {
    if (!isBrookError(err, name)) relay(err);
  };
}

/** The client's error, answered by the example's router with the Kafka name the API gave it. */
function relay(err: unknown): never {
  throw relayed(err);
}
