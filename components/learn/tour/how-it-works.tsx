'use client';

import { useState } from 'react';
import type { Lane } from '@/components/trpc/outputs';
import { ErrorBox } from '@/components/ui/bits';
import { formatDuration, formatNumber } from '@/components/ui/format';
import { SCRATCH_TOPIC, TOUR_GROUP } from '@/server/examples/tour/names';
import { useProduceScratch, useTourGroup } from './queries';
import { RetentionWidget } from './retention-widget';
import { Step } from './step';
import styles from './tour.module.css';

/** Produced → stored in partitions → consumed, with live totals of the scratch topic and the tour group. */
function Pipeline({ lanes }: { lanes: Lane[] }) {
  const group = useTourGroup();
  const written = lanes.reduce((n, l) => n + l.highWatermark, 0);
  const consumed = group.data?.partitions.reduce((n, p) => n + (p.committedOffset ?? 0), 0) ?? 0;
  return (
    <div className={styles.pipeline} data-testid="learn-pipeline">
      <div>
        <div className="small muted">produced</div>
        <strong>{formatNumber(written)}</strong>
      </div>
      <span className={styles.arrow} aria-hidden>
        →
      </span>
      <div>
        <div className="small muted">stored in {lanes.length} partitions</div>
        <strong className="mono">{lanes.map((l) => l.highWatermark - l.logStartOffset).join(' · ')}</strong>
      </div>
      <span className={styles.arrow} aria-hidden>
        →
      </span>
      <div>
        <div className="small muted">consumed by {TOUR_GROUP}</div>
        <strong>{formatNumber(consumed)}</strong>
      </div>
    </div>
  );
}

/** One request with 500 records: what batching buys. */
function ThroughputWidget() {
  const produce = useProduceScratch();
  const [took, setTook] = useState<number | null>(null);
  const send = () => {
    const started = performance.now();
    produce.mutate(
      { topic: SCRATCH_TOPIC, records: Array.from({ length: 500 }, (_, i) => ({ key: `k${i % 50}`, value: `batch record ${i}` })) },
      { onSuccess: () => setTook(performance.now() - started) },
    );
  };
  return (
    <div data-testid="learn-throughput-widget">
      <button type="button" className="btn" onClick={send} disabled={produce.isPending} data-testid="learn-throughput-send">
        Send 500 in one request
      </button>
      {took !== null && (
        <span className="small" data-testid="learn-throughput-result">
          {' '}
          500 messages stored in {formatDuration(took)} (round trip from this page).
        </span>
      )}
      <ErrorBox error={produce.error} />
    </div>
  );
}

export function HowItWorks({ lanes, retentionMs }: { lanes: Lane[]; retentionMs: number | null }) {
  return (
    <>
      <Step
        id="how-it-works"
        n={8}
        title="How it works"
        widget={<Pipeline lanes={lanes} />}
        console={{ href: '/', label: 'Produce and consume rates of every topic on the overview' }}
      >
        <p>
          Producers write messages to a topic; the broker stores them in its partitions; consumers read them, each group at its own pace.
        </p>
        <p>
          <strong>Durable</strong>: a message is stored before the producer hears back. <strong>Ordered</strong>: within a partition,
          always. <strong>Reliable</strong>: a group commits its offset, so a restarted consumer carries on where it stopped.
        </p>
      </Step>
      <h2 className={styles.section}>Features</h2>
      <div className={styles.features}>
        <div className="card">
          <h3>Throughput</h3>
          <p>Producers send messages in batches and the log only appends, so one request can carry hundreds of messages.</p>
          <ThroughputWidget />
        </div>
        <div className="card">
          <h3>Horizontal scale</h3>
          <p>
            More partitions, more consumers: a group shares partitions among its members. Try <a href="#consumer-group">+ consumer</a>{' '}
            above.
          </p>
        </div>
        <div className="card">
          <h3>Fault tolerance</h3>
          <p>
            A consumer that stops heartbeating loses its partitions to the others after the session timeout. A Brook instance that stops
            leaves nothing behind: the others <a href="#broker">serve the same partitions</a> from the database.
          </p>
        </div>
      </div>
      <Step
        id="durability"
        n={9}
        title="Durability and retention"
        widget={<RetentionWidget retentionMs={retentionMs} logStart={lanes.map((l) => l.logStartOffset)} />}
        console={{ href: `/topics/${encodeURIComponent(SCRATCH_TOPIC)}?tab=configs`, label: 'Configs of the scratch topic in the console' }}
      >
        <p>Messages are kept on disk, in segments, whether or not anyone has read them. Reading never deletes.</p>
        <p>
          Retention decides how long they stay: once a closed segment is older than <span className="mono">retention.ms</span>, it is
          dropped whole, and the partition's first offset moves up. Shorten it and watch the old segments go (maintenance runs every few
          seconds).
        </p>
      </Step>
    </>
  );
}
