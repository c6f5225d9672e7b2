'use client';

import { useState } from 'react';
import { ErrorBox } from '@/components/ui/bits';
import { Dialog, DialogActions } from '@/components/ui/dialog';
import { ROLES, type Role } from '@/server/kernel/auth-types';
import { useUserActions } from './queries';

/** Roles as a select's options, with what each adds. */
export function RoleOptions() {
  const what: Record<Role, string> = { viewer: 'read', producer: 'read and write', admin: 'everything' };
  return ROLES.map((r) => (
    <option key={r} value={r}>
      {r} ({what[r]})
    </option>
  ));
}

export function AddUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { add } = useUserActions();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const close = () => {
    add.reset();
    setName('');
    setPassword('');
    onClose();
  };
  return (
    <Dialog open={open} onClose={close} title="Add user" testId="users-add-dialog">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate({ name: name.trim(), password, role }, { onSuccess: close });
        }}
      >
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} autoFocus required data-testid="users-add-name" />
          <small className="muted">Letters, digits, ".", "_" and "-", up to 64 characters.</small>
        </label>
        <label>
          Password
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
            required
            minLength={8}
            data-testid="users-add-password"
          />
          <small className="muted">At least 8 characters.</small>
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="users-add-role">
            <RoleOptions />
          </select>
        </label>
        <ErrorBox error={add.error} />
        <DialogActions onCancel={close} label="Add user" pending={add.isPending} testId="users-add-submit" />
      </form>
    </Dialog>
  );
}

export function PasswordDialog({ name, onClose }: { name: string | null; onClose: () => void }) {
  const { setPassword } = useUserActions();
  const [password, setValue] = useState('');
  const close = () => {
    setPassword.reset();
    setValue('');
    onClose();
  };
  return (
    <Dialog open={name !== null} onClose={close} title={`New password for ${name ?? ''}`} testId="users-password-dialog">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (name) setPassword.mutate({ name, password }, { onSuccess: close });
        }}
      >
        <label>
          New password
          <input
            type="password"
            value={password}
            onChange={(e) => setValue(e.target.value)}
            autoComplete="new-password"
            autoFocus
            required
            minLength={8}
            data-testid="users-password-input"
          />
        </label>
        <ErrorBox error={setPassword.error} />
        <DialogActions onCancel={close} label="Set password" pending={setPassword.isPending} testId="users-password-submit" />
      </form>
    </Dialog>
  );
}

export function RemoveUserDialog({ name, onClose }: { name: string | null; onClose: () => void }) {
  const { remove } = useUserActions();
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <Dialog open={name !== null} onClose={close} title={`Remove user ${name ?? ''}`} testId="users-remove-dialog">
      <p>
        <strong>{name}</strong> can no longer log in, and their console sessions end now. API tokens they created stay until revoked.
      </p>
      <ErrorBox error={remove.error} />
      <DialogActions
        onCancel={close}
        label="Remove user"
        pending={remove.isPending}
        danger
        onConfirm={() => name && remove.mutate({ name }, { onSuccess: close })}
        testId="users-remove-submit"
      />
    </Dialog>
  );
}
