import { Badge } from '@/components/ui/bits';

/**
 * A null key or value is not the text "null": each gets a badge of its own, so a record without a
 * key, a tombstone (null value) and a payload that reads "null" can be told apart at a glance.
 */
export function NoKey() {
  return (
    <Badge testId="messages-no-key" title="This record has no key (null)">
      no key
    </Badge>
  );
}

export function Tombstone() {
  return (
    <Badge tone="warn" testId="messages-tombstone" title="Null value: a tombstone, which deletes its key on a compacted topic">
      tombstone
    </Badge>
  );
}

export function NoValue() {
  return (
    <Badge testId="messages-no-value" title="This header has no value (null)">
      no value
    </Badge>
  );
}
