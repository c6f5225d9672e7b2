'use client';

import { useState } from 'react';
import { ErrorBox } from '@/components/ui/bits';
import { Dialog } from '@/components/ui/dialog';
import type { ShopActions } from './queries';
import styles from './shop.module.css';
import type { ServiceName } from './types';

const OUTCOME: Record<ServiceName, string> = {
  inventory:
    'Inventory reads every order again, but its stock does not change: it stored the offset it applied with the stock, so it skips what it has already applied.',
  email: 'Email reads every order again and sends every confirmation again: it commits after sending (at-least-once).',
};

/**
 * Replay walks through what Kafka requires: offsets of a group can only be reset while the group has
 * no active members, so the members stop first, the group is reset to earliest, then they start again.
 */
export function ReplayButton({ service, groupId, actions }: { service: ServiceName; groupId: string; actions: ShopActions }) {
  const [open, setOpen] = useState(false);
  const replay = actions.replay;
  const mine = replay.variables?.service === service;
  // One call does the three steps on the server: they are ticked together when it answers.
  const state = mine && replay.isSuccess ? 'done' : mine && replay.isPending ? 'running' : 'todo';
  const steps = [
    `Stop the group's members: Kafka refuses to reset the offsets of a group with active members (NON_EMPTY_GROUP).`,
    `Reset ${groupId}'s committed offsets to the earliest offset of every partition.`,
    'Start the members again: they read every order from the beginning.',
  ];
  return (
    <>
      <button type="button" className="btn" onClick={() => setOpen(true)} data-testid={`shop-${service}-replay`}>
        Replay
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Replay ${groupId}`} testId={`shop-${service}-replay-dialog`}>
        <ol className={styles.steps}>
          {steps.map((s) => (
            <li key={s} data-state={state}>
              {s} {state === 'done' && <span className="ok-text">✓</span>}
            </li>
          ))}
        </ol>
        <p className="muted">{OUTCOME[service]}</p>
        <ErrorBox error={mine ? replay.error : null} />
        {mine && replay.isSuccess ? (
          <p className="ok-text" data-testid={`shop-${service}-replay-done`}>
            Replayed: the members are reading from the earliest offset.
          </p>
        ) : null}
        <div className="form-actions">
          <button type="button" className="btn" onClick={() => setOpen(false)}>
            {mine && replay.isSuccess ? 'Done' : 'Cancel'}
          </button>
          <button
            type="button"
            className="btn primary"
            disabled={replay.isPending}
            onClick={() => replay.mutate({ service })}
            data-testid={`shop-${service}-replay-confirm`}
          >
            {mine && replay.isPending ? 'Replaying…' : 'Stop, reset to earliest, start'}
          </button>
        </div>
      </Dialog>
    </>
  );
}
