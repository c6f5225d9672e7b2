'use client';

import { useCan } from '@/components/auth/auth-context';
import { ErrorBox } from '@/components/ui/bits';
import { MAX_MEMBERS } from '@/server/examples/shop/catalog';
import type { ShopActions } from './queries';
import { ReplayButton } from './replay-dialog';
import type { ServiceName } from './types';

/** Members one more or fewer (0-6), pause/resume, crash the newest member, replay. */
export function ServiceControls({
  service,
  groupId,
  members,
  paused,
  actions,
}: {
  service: ServiceName;
  groupId: string;
  members: number;
  paused: boolean;
  actions: ShopActions;
}) {
  const busy = actions.service.isPending && actions.service.variables?.service === service;
  // Running the example is an admin's (the server refuses anyone else).
  if (!useCan('admin')) return null;
  return (
    <>
      <div className="row">
        <button
          type="button"
          className="btn"
          disabled={busy || members <= 0}
          onClick={() => actions.service.mutate({ service, members: members - 1 })}
          data-testid={`shop-${service}-remove-member`}
        >
          − member
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy || members >= MAX_MEMBERS}
          onClick={() => actions.service.mutate({ service, members: members + 1 })}
          data-testid={`shop-${service}-add-member`}
        >
          + member
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => actions.service.mutate({ service, paused: !paused })}
          data-testid={`shop-${service}-pause`}
          aria-pressed={paused}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button"
          className="btn danger"
          disabled={members === 0 || actions.crashMember.isPending}
          onClick={() => actions.crashMember.mutate({ service })}
          data-testid={`shop-${service}-crash`}
          title="The newest member stops heartbeating without leaving the group"
        >
          Crash a member
        </button>
        <ReplayButton service={service} groupId={groupId} actions={actions} />
      </div>
      <ErrorBox error={actions.service.variables?.service === service ? actions.service.error : null} />
      <ErrorBox error={actions.crashMember.variables?.service === service ? actions.crashMember.error : null} />
    </>
  );
}
