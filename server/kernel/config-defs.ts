/**
 * Topic configs with Kafka's names, defaults and value rules. Only explicitly set values are stored (as
 * strings, like Kafka's dynamic configs); `resolveTopicConfig` (configs.ts) applies the defaults.
 * Pure (imports nothing): the console shows these defaults in the browser.
 */
export interface ConfigDef {
  default: string;
  doc: string;
  /** Returns the normalised string value, or throws a message describing what is allowed. */
  parse(value: string): string;
}

const long =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (value: string) => {
    if (!/^-?\d+$/.test(value.trim())) throw new Error(`must be an integer`);
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`must be between ${min} and ${max}`);
    return String(n);
  };

const oneOf = (allowed: readonly string[]) => (value: string) => {
  if (!allowed.includes(value)) throw new Error(`must be one of ${allowed.join(', ')}`);
  return value;
};

const cleanupPolicy = (value: string) => {
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0 || parts.some((p) => p !== 'delete' && p !== 'compact') || new Set(parts).size !== parts.length) {
    throw new Error(`must be "delete", "compact" or "compact,delete"`);
  }
  return [...parts].sort().join(','); // "compact,delete"
};

export const TOPIC_CONFIGS: Record<string, ConfigDef> = {
  'cleanup.policy': {
    default: 'delete',
    doc: 'delete: drop old segments by retention; compact: keep the latest record per key; both: compact, then retain.',
    parse: cleanupPolicy,
  },
  'retention.ms': {
    default: '604800000',
    doc: 'How long a closed segment is kept after its newest record (ms); -1 keeps it forever.',
    parse: long(-1),
  },
  'retention.bytes': {
    default: '-1',
    doc: 'Largest size a partition may grow to before its oldest segments are dropped; -1 means no limit.',
    parse: long(-1),
  },
  'segment.bytes': {
    default: '1073741824',
    doc: 'Segment size: the active segment rolls when it holds about this many bytes.',
    parse: long(14, 2 ** 31 - 1),
  },
  'segment.ms': {
    default: '604800000',
    doc: 'The active segment rolls after this long even if not full, so retention can drop it (ms).',
    parse: long(1),
  },
  'segment.records': {
    default: '1000000',
    doc: 'Brook: at most this many records (offsets) per segment; a segment is one child table.',
    parse: long(1, 2 ** 31 - 1),
  },
  'max.message.bytes': {
    default: '1048588',
    doc: 'Largest record (key + value + headers) the topic accepts; larger ones fail with MESSAGE_TOO_LARGE.',
    parse: long(0, 2 ** 31 - 1),
  },
  'message.timestamp.type': {
    default: 'CreateTime',
    doc: "CreateTime keeps the producer's timestamp; LogAppendTime stamps records with the broker's time.",
    parse: oneOf(['CreateTime', 'LogAppendTime']),
  },
  'delete.retention.ms': {
    default: '86400000',
    doc: 'How long tombstones (null values) are kept on a compacted topic (ms).',
    parse: long(0),
  },
  'min.compaction.lag.ms': {
    default: '0',
    doc: 'A record stays uncompacted for at least this long after it is written (ms).',
    parse: long(0),
  },
};

export const TOPIC_CONFIG_NAMES = Object.keys(TOPIC_CONFIGS);
