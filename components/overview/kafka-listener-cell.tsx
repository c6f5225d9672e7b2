import type { InstanceKafka } from '@/components/trpc/outputs';

/** An instance's Kafka listener: the address clients dial and its open connections, or why there is none. */
export function KafkaListenerCell({ kafka }: { kafka: InstanceKafka | null }) {
  if (kafka === null) return <span className="muted">not reported</span>;
  if (kafka.state === 'off') return <span className="muted">listener off</span>;
  if (kafka.state === 'unavailable') return <span className="warn-text">{kafka.listener ?? 'unavailable'}</span>;
  const bound = kafka.listener !== kafka.advertised ? `listening on ${kafka.listener}` : undefined;
  return (
    <span title={bound}>
      <code data-testid="overview-instance-kafka-address">{kafka.advertised}</code>
      <span className="muted">
        {' · '}
        {kafka.connections} connection{kafka.connections === 1 ? '' : 's'}
      </span>
    </span>
  );
}
