import type { Queryable } from '@/db/client';

/**
 * The Kafka cluster id (Metadata v2+, DescribeCluster): 22 base64url characters, as Kafka's are. Every
 * Brook instance on one database must give the same one and another database a different one, with no
 * state to create: it is derived from the database's name and the oid of its `topics` table.
 */
export async function clusterId(db: Queryable): Promise<string> {
  const [row] = await db.query<{ h: string }>(`SELECT md5(current_database() || ':' || 'public.topics'::regclass::oid::text) AS h`, [], {
    name: 'cluster.id',
  });
  return Buffer.from(row.h, 'hex').toString('base64url');
}
