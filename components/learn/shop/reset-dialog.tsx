'use client';

import { useState } from 'react';
import { ErrorBox } from '@/components/ui/bits';
import { Dialog } from '@/components/ui/dialog';
import type { ShopActions } from './queries';

/** "Reset example" deletes data, so it asks first and says what goes. */
export function ResetButton({ topic, actions }: { topic: string; actions: ShopActions }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn danger" onClick={() => setOpen(true)} data-testid="shop-reset">
        Reset example
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Reset the example?" testId="shop-reset-dialog">
        <p>
          This stops every service, deletes the topic <span className="mono">{topic}</span> with all its orders and creates it again, puts
          the stock back, empties the outbox and deletes both consumer groups.
        </p>
        <ErrorBox error={actions.reset.error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={() => setOpen(false)}>
            Cancel
          </button>
          <button
            type="button"
            className="btn danger"
            disabled={actions.reset.isPending}
            onClick={() => actions.reset.mutate(undefined, { onSuccess: () => setOpen(false) })}
            data-testid="shop-reset-confirm"
          >
            {actions.reset.isPending ? 'Resetting…' : 'Delete and start over'}
          </button>
        </div>
      </Dialog>
    </>
  );
}
