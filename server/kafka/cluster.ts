import type { Broker, KafkaListenerReport } from '@/server/broker';
import type { ClusterView, KafkaNode } from './handlers/types';
import { parseHostPort } from './listener/address';

/**
 * The cluster as this instance's Kafka clients see it: live instances from the registry (Postgres), with
 * this one always included (its registry row may not be written yet, or the database may lag).
 * `report` is the listener's state once it has bound; before that there is no self to tell.
 */
export function clusterView(broker: Broker, report: () => KafkaListenerReport | null): ClusterView {
  const self = async (): Promise<KafkaNode> => {
    const r = report();
    if (r?.state !== 'listening') throw new Error('the Kafka listener is not listening');
    const address = parseHostPort(r.advertised, 0);
    if (!address) throw new Error(`unreadable advertised address ${r.advertised}`);
    const nodeId = broker.stats.kafkaNodeId ?? (await broker.stats.reportKafkaListener(r));
    if (nodeId === null) throw new Error('this instance has no Kafka node id yet');
    return { nodeId, host: address.host, port: address.port, rack: null };
  };
  return {
    self,
    async brokers() {
      const [me, live] = await Promise.all([self(), broker.stats.kafkaBrokers()]);
      const all = new Map<number, KafkaNode>(live.map((b) => [b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack }]));
      all.set(me.nodeId, me);
      return [...all.values()].sort((a, b) => a.nodeId - b.nodeId);
    },
    clusterId: () => broker.clusterId(),
  };
}
