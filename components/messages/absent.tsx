'use client';

import { useMe } from '@/components/auth/auth-context';
import { Badge } from '@/components/ui/bits';

/** BROOK_HIDE_PAYLOADS covers the caller's role: every key and value comes back null, which says nothing about the record. */
function useHidden(): boolean {
  return useMe().principal?.hidePayloads === true;
}

export function Hidden() {
  return (
    <Badge testId="messages-hidden" title="Payloads are hidden from your role (BROOK_HIDE_PAYLOADS)">
      hidden
    </Badge>
  );
}

/**
 * A null key or value is not the text "null": each gets a badge of its own, so a record without a
 * key, a tombstone (null value) and a payload that reads "null" can be told apart at a glance.
 */
export function NoKey() {
  if (useHidden()) return <Hidden />;
  return (
    <Badge testId="messages-no-key" title="This record has no key (null)">
      no key
    </Badge>
  );
}

export function Tombstone() {
  if (useHidden()) return <Hidden />;
  return (
    <Badge tone="warn" testId="messages-tombstone" title="Null value: a tombstone, which deletes its key on a compacted topic">
      tombstone
    </Badge>
  );
}

export function NoValue() {
  if (useHidden()) return <Hidden />;
  return (
    <Badge testId="messages-no-value" title="This header has no value (null)">
      no value
    </Badge>
  );
}
