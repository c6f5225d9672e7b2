'use client';

import { useState } from 'react';
import { ErrorBox } from '@/components/ui/bits';
import { Dialog, DialogActions } from '@/components/ui/dialog';
import type { Role } from '@/server/kernel/auth-types';
import styles from './auth.module.css';
import { useTokenActions } from './queries';
import { RoleOptions } from './user-dialogs';

/** Name, role, optional expiry; then the secret, once: Brook keeps only its hash, so closing loses it. */
export function CreateTokenDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { create } = useTokenActions();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [days, setDays] = useState('');
  const [copied, setCopied] = useState(false);
  const close = () => {
    create.reset();
    setName('');
    setDays('');
    setCopied(false);
    onClose();
  };
  const token = create.data?.token;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    create.mutate({ name: name.trim(), role, expiresInDays: days.trim() === '' ? undefined : Number(days) });
  };
  const copy = async () => {
    if (!token) return;
    await navigator.clipboard.writeText(token);
    setCopied(true);
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title={token ? `Token ${create.data?.summary.name}` : 'Create API token'}
      testId="tokens-create-dialog"
    >
      {token ? (
        <div className="form">
          <p className={styles.warning} data-testid="tokens-created-warning">
            Copy this token now: it is shown only once. Brook stores only its hash, so it cannot show it again.
          </p>
          <div className={styles.tokenBox}>
            <code data-testid="tokens-created-value">{token}</code>
            <button type="button" className="btn" onClick={copy} data-testid="tokens-created-copy">
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
          <p className="muted small">
            Use it as <code>Authorization: Bearer …</code> over HTTP, or as the password (any user name) with SASL/PLAIN, or as user name
            and password with SCRAM (the token&apos;s name).
          </p>
          <div className="form-actions">
            <button type="button" className="btn primary" onClick={close} data-testid="tokens-created-done">
              Done
            </button>
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={submit}>
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} autoFocus required data-testid="tokens-create-name" />
            <small className="muted">What uses it, e.g. ci-producer. Letters, digits, ".", "_" and "-".</small>
          </label>
          <label>
            Role
            <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="tokens-create-role">
              <RoleOptions />
            </select>
          </label>
          <label>
            Expires after (days)
            <input
              type="number"
              min={1}
              step={1}
              value={days}
              onChange={(e) => setDays(e.target.value)}
              placeholder="never"
              data-testid="tokens-create-expiry"
            />
          </label>
          <ErrorBox error={create.error} />
          <DialogActions onCancel={close} label="Create token" pending={create.isPending} testId="tokens-create-submit" />
        </form>
      )}
    </Dialog>
  );
}

export function RevokeTokenDialog({ name, onClose }: { name: string | null; onClose: () => void }) {
  const { revoke } = useTokenActions();
  const close = () => {
    revoke.reset();
    onClose();
  };
  return (
    <Dialog open={name !== null} onClose={close} title={`Revoke token ${name ?? ''}`} testId="tokens-revoke-dialog">
      <p>
        Every client using this token is refused from now on (HTTP 401; Kafka connections cannot authenticate again). This cannot be undone.
      </p>
      <ErrorBox error={revoke.error} />
      <DialogActions
        onCancel={close}
        label="Revoke token"
        pending={revoke.isPending}
        danger
        onConfirm={() => name && revoke.mutate({ name }, { onSuccess: close })}
        testId="tokens-revoke-submit"
      />
    </Dialog>
  );
}
