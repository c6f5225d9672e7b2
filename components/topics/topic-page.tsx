'use client';

import Link from 'next/link';
import { useState } from 'react';
import { useCan } from '@/components/auth/auth-context';
import type { BrowseParams } from '@/components/messages/browse-input';
import { MessageBrowser } from '@/components/messages/message-browser';
import { ErrorBox, PageHeader } from '@/components/ui/bits';
import { formatBytes, formatNumber, formatRetention } from '@/components/ui/format';
import { TOPIC_CONFIGS } from '@/server/kernel/config-defs';
import { ConfigsTab } from './configs-tab';
import { ConsumersTab } from './consumers-tab';
import { DeleteTopicDialog } from './delete-topic-dialog';
import { PartitionsTab } from './partitions-tab';
import { ProduceTab } from './produce-tab';
import { useTopic } from './queries';
import { TOPIC_TABS, type TopicTab } from './tabs';

export function TopicPage({ name, tab, browse }: { name: string; tab: TopicTab; browse: BrowseParams }) {
  const t = useTopic(name);
  const [deleting, setDeleting] = useState(false);
  const canDelete = useCan('admin');
  const canProduce = useCan('write');
  const tabs = TOPIC_TABS.filter((id) => id !== 'produce' || canProduce);
  if (t.error) return <ErrorBox error={t.error} />;
  const topic = t.data;
  const retention = topic?.configEntries.find((c) => c.name === 'retention.ms')?.value;
  return (
    <>
      <PageHeader
        crumbs={[{ href: '/topics', label: 'Topics' }]}
        title={<span data-testid="topic-name">{name}</span>}
        subtitle={
          topic && (
            <>
              {topic.partitions} partitions · {formatNumber(topic.records)} records · {formatBytes(topic.bytes)} · retention{' '}
              {formatRetention(retention ?? TOPIC_CONFIGS['retention.ms'].default)} ·{' '}
              {topic.configEntries.find((c) => c.name === 'cleanup.policy')?.value}
            </>
          )
        }
        actions={
          canDelete && (
            <button type="button" className="btn danger" onClick={() => setDeleting(true)} data-testid="topics-delete-open">
              Delete topic
            </button>
          )
        }
      />
      <nav className="tabs" aria-label="Topic views">
        {tabs.map((id) => (
          <Link
            key={id}
            href={`/topics/${encodeURIComponent(name)}?tab=${id}`}
            className={tab === id ? 'active' : undefined}
            aria-current={tab === id ? 'page' : undefined}
            data-testid={`topic-tab-${id}`}
          >
            {id[0].toUpperCase() + id.slice(1)}
          </Link>
        ))}
      </nav>
      {topic && (
        <div className="tab-panel">
          {tab === 'messages' && <MessageBrowser topic={name} partitions={topic.partitions} initial={browse} />}
          {tab === 'partitions' && <PartitionsTab topic={name} />}
          {tab === 'consumers' && <ConsumersTab topic={name} />}
          {tab === 'configs' && <ConfigsTab topic={name} />}
          {tab === 'produce' &&
            (canProduce ? (
              <ProduceTab topic={name} partitions={topic.partitions} />
            ) : (
              <p className="muted" data-testid="topics-produce-forbidden">
                Producing needs the producer or admin role.
              </p>
            ))}
        </div>
      )}
      {canDelete && <DeleteTopicDialog name={name} open={deleting} onClose={() => setDeleting(false)} />}
    </>
  );
}
