'use client';

import { useState } from 'react';
import { ErrorBox } from '@/components/ui/bits';
import { Dialog, DialogActions } from '@/components/ui/dialog';
import type { AclOperation, AclPermission, PatternType, ResourceType } from '@/server/kernel/acl-names';
import { OPERATION_OPTIONS, RESOURCE_TYPE_OPTIONS, useAclActions } from './queries';

const EMPTY = {
  resourceType: 'TOPIC' as ResourceType,
  patternType: 'LITERAL' as PatternType,
  resourceName: '',
  principal: 'User:',
  host: '*',
  operation: 'READ' as AclOperation,
  permission: 'ALLOW' as AclPermission,
};

/** One binding, as kafka-acls.sh --add takes it; the server checks it (INVALID_REQUEST with the reason). */
export function AddAclDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { create } = useAclActions();
  const [form, setForm] = useState(EMPTY);
  const set = <K extends keyof typeof EMPTY>(key: K, value: (typeof EMPTY)[K]) =>
    setForm((f) => ({ ...f, [key]: value, ...(key === 'resourceType' && value === 'CLUSTER' ? { resourceName: 'kafka-cluster' } : {}) }));
  const close = () => {
    create.reset();
    setForm(EMPTY);
    onClose();
  };
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    create.mutate(
      { ...form, resourceName: form.resourceName.trim(), principal: form.principal.trim(), host: form.host.trim() || '*' },
      { onSuccess: close },
    );
  };
  return (
    <Dialog open={open} onClose={close} title="Add ACL binding" testId="acls-add-dialog">
      <form className="form" onSubmit={submit}>
        <label>
          Permission
          <select
            value={form.permission}
            onChange={(e) => set('permission', e.target.value as AclPermission)}
            data-testid="acls-add-permission"
          >
            <option value="ALLOW">ALLOW</option>
            <option value="DENY">DENY (wins over any ALLOW)</option>
          </select>
        </label>
        <label>
          Principal
          <input value={form.principal} onChange={(e) => set('principal', e.target.value)} required data-testid="acls-add-principal" />
          <small className="muted">User:&lt;user or token name&gt;, or User:* for everyone.</small>
        </label>
        <label>
          Operation
          <select
            value={form.operation}
            onChange={(e) => set('operation', e.target.value as AclOperation)}
            data-testid="acls-add-operation"
          >
            {OPERATION_OPTIONS.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label>
          Resource type
          <select
            value={form.resourceType}
            onChange={(e) => set('resourceType', e.target.value as ResourceType)}
            data-testid="acls-add-type"
          >
            {RESOURCE_TYPE_OPTIONS.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label>
          Pattern
          <select
            value={form.patternType}
            onChange={(e) => set('patternType', e.target.value as PatternType)}
            data-testid="acls-add-pattern"
          >
            <option value="LITERAL">LITERAL (this name; * for all)</option>
            <option value="PREFIXED">PREFIXED (names starting with it)</option>
          </select>
        </label>
        <label>
          Resource name
          <input value={form.resourceName} onChange={(e) => set('resourceName', e.target.value)} required data-testid="acls-add-name" />
        </label>
        <label>
          Host
          <input value={form.host} onChange={(e) => set('host', e.target.value)} data-testid="acls-add-host" />
          <small className="muted">* for any address, or a client IP address.</small>
        </label>
        <ErrorBox error={create.error} />
        <DialogActions onCancel={close} label="Add binding" pending={create.isPending} testId="acls-add-submit" />
      </form>
    </Dialog>
  );
}
