import type { Queryable } from '@/db/client';
import { BRIEF_HOLD_MS } from '@/db/hold';

/** A Brook instance as Kafka clients see it in Metadata. */
export interface KafkaBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: null;
}

/**
 * The node id of an advertised address: the same address always gets the same id, so an instance keeps
 * its id across restarts. One atomic upsert: concurrent first registrations of one address get one id,
 * distinct addresses distinct ids (identity + unique). The no-op update makes RETURNING give the row
 * that was already there; it costs a sequence value per restart, a gap in ids nobody relies on.
 */
export async function kafkaNodeId(db: Queryable, advertised: string): Promise<number> {
  const [row] = await db.query<{ node_id: number }>(
    `INSERT INTO kafka_broker_ids (advertised) VALUES ($1)
     ON CONFLICT (advertised) DO UPDATE SET advertised = EXCLUDED.advertised
     RETURNING node_id`,
    [advertised],
    { name: 'kafka.node_id' },
  );
  return row.node_id;
}

/** `host:port` or `[v6]:port`, as the listener formats the advertised address. */
export function splitAdvertised(advertised: string): { host: string; port: number } {
  const at = advertised.lastIndexOf(':');
  const host = advertised.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(advertised.slice(at + 1)) };
}

/**
 * Live instances with a Kafka listener, by node id. Two instances advertising one address (a
 * misconfiguration) share a node id and are listed once.
 */
export async function listKafkaBrokers(db: Queryable, now: number, aliveMs: number): Promise<KafkaBroker[]> {
  const rows = await db.query<{ node_id: number; advertised: string }>(
    `SELECT DISTINCT ON (kafka_node_id) kafka_node_id AS node_id, kafka_advertised AS advertised
       FROM brook_instances
      WHERE kafka_state = 'listening' AND kafka_node_id IS NOT NULL AND last_seen_at > $1
      ORDER BY kafka_node_id, last_seen_at DESC`,
    [now - aliveMs],
    { name: 'kafka.brokers', holdMs: BRIEF_HOLD_MS }, // the last list read is a better answer than a long wait
  );
  return rows.map((r) => ({ nodeId: r.node_id, ...splitAdvertised(r.advertised), rack: null }));
}
