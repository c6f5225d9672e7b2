'use client';

import type { Lane } from '@/components/trpc/outputs';
import { SCRATCH_PARTITIONS, SCRATCH_TOPIC, TOUR_GROUP } from '@/server/examples/tour/names';
import { BrokerWidget } from './broker-widget';
import { ConsumerWidget } from './consumer-widget';
import { GroupWidget } from './group-widget';
import { KeyWidget } from './key-widget';
import { OffsetsWidget } from './offsets-widget';
import { ProducerWidget } from './producer-widget';
import { Step } from './step';
import { TopicWidget } from './topic-widget';

const topicHref = `/topics/${encodeURIComponent(SCRATCH_TOPIC)}`;

/** The seven concepts of Kafka's introduction, each with a live widget on the scratch topic. */
export function Concepts({ lanes, retentionMs }: { lanes: Lane[]; retentionMs: number | null }) {
  return (
    <>
      <Step
        id="producer"
        n={1}
        title="Producer"
        widget={<ProducerWidget />}
        console={{ href: `${topicHref}?tab=produce`, label: 'Produce to any topic in the console' }}
      >
        <p>A producer is an application that sends messages to Kafka. A message is a small piece of data: a value, and often a key.</p>
        <p>Send one: the broker answers with where it stored it.</p>
      </Step>
      <Step
        id="consumer"
        n={2}
        title="Consumer"
        widget={<ConsumerWidget lanes={lanes} />}
        console={{ href: topicHref, label: 'Browse messages in the console' }}
      >
        <p>A consumer is an application that reads messages from Kafka. Reading does not remove anything: the messages stay for others.</p>
        <p>A consumer asks for one partition, from an offset on, and gets the messages in the order they were stored.</p>
      </Step>
      <Step id="broker" n={3} title="Broker" widget={<BrokerWidget />} console={{ href: '/', label: 'See the instances on the overview' }}>
        <p>
          A broker is a server that stores messages and hands them out. Here, every Brook instance is a broker, and the log lives in
          PostgreSQL.
        </p>
        <p>
          Because the data is in the database and not on one machine, any instance can serve any partition: start another one on the same
          database and it serves the same topics at once.
        </p>
      </Step>
      <Step
        id="topic"
        n={4}
        title="Topic"
        widget={<TopicWidget lanes={lanes} retentionMs={retentionMs} />}
        console={{ href: '/topics', label: 'All topics in the console' }}
      >
        <p>
          A topic is a category where messages are sent and grouped: orders go to one topic, payments to another. This tour has its own,{' '}
          <span className="mono">{SCRATCH_TOPIC}</span>.
        </p>
        <p>Producers write to a topic by name, and consumers read from it by name. They never need to know about each other.</p>
      </Step>
      <Step
        id="partition"
        n={5}
        title="Partition"
        widget={<KeyWidget partitions={SCRATCH_PARTITIONS} />}
        console={{ href: `${topicHref}?tab=partitions`, label: 'Partitions of the scratch topic in the console' }}
      >
        <p>
          A topic is split into partitions, so it can grow past one reader or one writer. <span className="mono">{SCRATCH_TOPIC}</span> has{' '}
          {SCRATCH_PARTITIONS}.
        </p>
        <p>
          The key picks the partition: a hash of the key (murmur2, as in Kafka), modulo the number of partitions. So the same key always
          lands in the same partition.
        </p>
      </Step>
      <Step
        id="offset"
        n={6}
        title="Offset"
        widget={<OffsetsWidget lanes={lanes} />}
        console={{ href: topicHref, label: 'Offsets of every message in the console' }}
      >
        <p>An offset is a unique ID for every message inside a partition: 0, 1, 2… in the order they arrived.</p>
        <p>Order holds within a partition, not across them. Messages with the same key share a partition, so their order is kept.</p>
      </Step>
      <Step
        id="consumer-group"
        n={7}
        title="Consumer group"
        widget={<GroupWidget />}
        console={{ href: `/groups/${encodeURIComponent(TOUR_GROUP)}`, label: 'This group in the console' }}
      >
        <p>
          A consumer group is a team of consumers sharing the work: each partition is read by one member at a time. Add a member and the
          broker moves partitions to it; remove one and the others take over.
        </p>
        <p>
          Each group remembers how far it got: its committed offset. Lag is the distance from the committed offset to the high watermark,
          the next offset to be written.
        </p>
      </Step>
    </>
  );
}
