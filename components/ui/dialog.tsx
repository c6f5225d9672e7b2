'use client';

import { useEffect, useRef } from 'react';

/** A modal on the native <dialog>: focus moves in, Escape closes, the page behind is inert. */
export function Dialog({
  open,
  onClose,
  title,
  children,
  testId,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: React.ReactNode;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" onClose={onClose} aria-labelledby={testId ? `${testId}-title` : undefined} data-testid={testId}>
      {open && (
        <>
          <div className="dialog-head">
            <h2 id={testId ? `${testId}-title` : undefined}>{title}</h2>
            <button type="button" className="btn ghost" onClick={onClose} aria-label="Close">
              ✕
            </button>
          </div>
          <div className="dialog-body">{children}</div>
        </>
      )}
    </dialog>
  );
}

/** A dialog's Cancel and its action: the form's submit button, or with `onConfirm` a confirmation's. */
export function DialogActions({
  onCancel,
  label,
  pending,
  danger,
  onConfirm,
  testId,
}: {
  onCancel: () => void;
  label: string;
  pending: boolean;
  danger?: boolean;
  onConfirm?: () => void;
  testId?: string;
}) {
  return (
    <div className="form-actions">
      <button type="button" className="btn" onClick={onCancel}>
        Cancel
      </button>
      <button
        type={onConfirm ? 'button' : 'submit'}
        className={danger ? 'btn danger' : 'btn primary'}
        disabled={pending}
        onClick={onConfirm}
        data-testid={testId}
      >
        {label}
      </button>
    </div>
  );
}
