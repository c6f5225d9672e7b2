import { TOPIC_CONFIG_NAMES, TOPIC_CONFIGS } from '@/server/kernel/config-defs';
import { BrokerError } from './errors';

export { TOPIC_CONFIG_NAMES, TOPIC_CONFIGS };

export interface TopicConfig {
  cleanupPolicy: { delete: boolean; compact: boolean };
  retentionMs: number;
  retentionBytes: number;
  segmentBytes: number;
  segmentMs: number;
  segmentRecords: number;
  maxMessageBytes: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  deleteRetentionMs: number;
  minCompactionLagMs: number;
}

export type ConfigInput = Record<string, string | number | boolean | null>;

/**
 * Validates names and values. `null` (allowed only when `allowNull`) means "back to the default".
 * Throws INVALID_CONFIG naming the offending config; nothing is partially applied.
 */
export function parseConfigs(input: ConfigInput, { allowNull = false } = {}): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [name, raw] of Object.entries(input)) {
    const def = TOPIC_CONFIGS[name];
    if (!def) {
      throw new BrokerError('INVALID_CONFIG', `Unknown topic config "${name}". Known configs: ${TOPIC_CONFIG_NAMES.join(', ')}.`);
    }
    if (raw === null) {
      if (!allowNull) throw new BrokerError('INVALID_CONFIG', `Config "${name}" needs a value.`);
      out[name] = null;
      continue;
    }
    try {
      out[name] = def.parse(String(raw));
    } catch (err) {
      throw new BrokerError('INVALID_CONFIG', `Invalid value ${JSON.stringify(raw)} for config "${name}": ${(err as Error).message}.`);
    }
  }
  return out;
}

export function resolveTopicConfig(stored: Record<string, string>): TopicConfig {
  const get = (name: string) => stored[name] ?? TOPIC_CONFIGS[name].default;
  const policy = get('cleanup.policy').split(',');
  return {
    cleanupPolicy: { delete: policy.includes('delete'), compact: policy.includes('compact') },
    retentionMs: Number(get('retention.ms')),
    retentionBytes: Number(get('retention.bytes')),
    segmentBytes: Number(get('segment.bytes')),
    segmentMs: Number(get('segment.ms')),
    segmentRecords: Number(get('segment.records')),
    maxMessageBytes: Number(get('max.message.bytes')),
    timestampType: get('message.timestamp.type') as TopicConfig['timestampType'],
    deleteRetentionMs: Number(get('delete.retention.ms')),
    minCompactionLagMs: Number(get('min.compaction.lag.ms')),
  };
}

export interface ConfigEntry {
  name: string;
  value: string;
  default: string;
  isDefault: boolean;
  doc: string;
}

/** Every known config with its effective value, as Kafka's DescribeConfigs shows them. */
export function describeConfigs(stored: Record<string, string>): ConfigEntry[] {
  return TOPIC_CONFIG_NAMES.map((name) => {
    const def = TOPIC_CONFIGS[name];
    const value = stored[name] ?? def.default;
    return { name, value, default: def.default, isDefault: stored[name] === undefined, doc: def.doc };
  });
}
