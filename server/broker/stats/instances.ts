import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Database, Queryable } from '@/db/client';
import { kafkaNodeId } from './kafka-brokers';

/** Brook processes: each upserts its row on a short period; one not seen for a while is gone. */
export const INSTANCE_ALIVE_MS = 20_000;
/** How often an instance upserts its row (the services' heartbeat loop). */
export const INSTANCE_HEARTBEAT_MS = 5_000;
const FORGET_AFTER_MS = 3_600_000;

/** This process's Kafka listener, as the server reports it once started (or not). */
export type KafkaListenerReport =
  | { state: 'listening'; listener: string; advertised: string; connections: () => number }
  | { state: 'off' }
  | { state: 'unavailable'; reason: string };

/** An instance's Kafka listener as its last heartbeat said. */
export interface InstanceKafka {
  state: 'listening' | 'off' | 'unavailable';
  /** The bound address while listening; the reason when unavailable. */
  listener: string | null;
  advertised: string | null;
  nodeId: number | null;
  connections: number;
}

export interface Instance {
  instanceId: string;
  host: string;
  pid: number;
  version: string;
  database: string;
  startedAt: number;
  lastSeenAt: number;
  alive: boolean;
  uptimeMs: number;
  /** Null until the server has reported its Kafka listener. */
  kafka: InstanceKafka | null;
}

export class InstanceRegistration {
  readonly instanceId = randomUUID();
  private readonly startedAt: number;
  private kafka: { report: KafkaListenerReport; nodeId: number | null } | null = null;

  constructor(
    private readonly db: Database,
    private readonly version: string,
    now: number,
  ) {
    this.startedAt = now;
  }

  /** This instance's Kafka node id (null without a listener). */
  get kafkaNodeId(): number | null {
    return this.kafka?.nodeId ?? null;
  }

  /** Records the Kafka listener and heartbeats at once (which gets the node id of its advertised address). */
  async reportKafka(report: KafkaListenerReport, now: number): Promise<number | null> {
    this.kafka = { report, nodeId: null };
    await this.heartbeat(now);
    return this.kafka.nodeId;
  }

  async heartbeat(now: number): Promise<void> {
    const r = this.kafka?.report;
    // Here rather than in reportKafka alone: if the database was away then, the next heartbeat gets it.
    if (this.kafka && r?.state === 'listening' && this.kafka.nodeId === null) this.kafka.nodeId = await kafkaNodeId(this.db, r.advertised);
    const listening = r?.state === 'listening' ? r : null;
    await this.db.query(
      `INSERT INTO brook_instances (instance_id, host, pid, version, database, started_at, last_seen_at,
                                    kafka_state, kafka_listener, kafka_advertised, kafka_node_id, kafka_connections)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (instance_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at, kafka_state = EXCLUDED.kafka_state,
         kafka_listener = EXCLUDED.kafka_listener, kafka_advertised = EXCLUDED.kafka_advertised,
         kafka_node_id = EXCLUDED.kafka_node_id, kafka_connections = EXCLUDED.kafka_connections`,
      [
        this.instanceId,
        os.hostname(),
        process.pid,
        this.version,
        this.db.driver,
        this.startedAt,
        now,
        r?.state ?? null,
        listening?.listener ?? (r?.state === 'unavailable' ? r.reason : null),
        listening?.advertised ?? null,
        this.kafka?.nodeId ?? null,
        listening?.connections() ?? 0,
      ],
      { name: 'instances.heartbeat' },
    );
    await this.db.query(`DELETE FROM brook_instances WHERE last_seen_at < $1`, [now - FORGET_AFTER_MS], { name: 'instances.forget' });
  }

  async leave(): Promise<void> {
    await this.db.query(`DELETE FROM brook_instances WHERE instance_id = $1`, [this.instanceId]);
  }
}

export async function listInstances(db: Queryable, now: number): Promise<Instance[]> {
  const rows = await db.query<{
    instance_id: string;
    host: string;
    pid: number;
    version: string;
    database: string;
    started_at: number;
    last_seen_at: number;
    kafka_state: InstanceKafka['state'] | null;
    kafka_listener: string | null;
    kafka_advertised: string | null;
    kafka_node_id: number | null;
    kafka_connections: number;
  }>(`SELECT * FROM brook_instances ORDER BY started_at`);
  return rows.map((r) => {
    const alive = now - r.last_seen_at < INSTANCE_ALIVE_MS;
    return {
      instanceId: r.instance_id,
      host: r.host,
      pid: r.pid,
      version: r.version,
      database: r.database,
      startedAt: r.started_at,
      lastSeenAt: r.last_seen_at,
      alive,
      // Up to now while alive: the last heartbeat (every 5 s) froze it, at "8 ms" right after start.
      uptimeMs: (alive ? now : r.last_seen_at) - r.started_at,
      kafka:
        r.kafka_state === null
          ? null
          : {
              state: r.kafka_state,
              listener: r.kafka_listener,
              advertised: r.kafka_advertised,
              nodeId: r.kafka_node_id,
              connections: r.kafka_connections,
            },
    };
  });
}
