/**
 * Kafka's default partitioning, computed exactly as the Java client does
 * (org.apache.kafka.common.utils.Utils.murmur2 and BuiltInPartitioner.partitionForKey), so a key lands
 * on the same partition whether it was produced through Brook or a Kafka client. Pure code, shared by
 * the engine (server/broker/partitioner.ts) and the client library, which places records itself to keep
 * order per partition: one home, so both always agree.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  const r = 24;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4] & 0xff) | ((data[i4 + 1] & 0xff) << 8) | ((data[i4 + 2] & 0xff) << 16) | ((data[i4 + 3] & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length & ~3;
  switch (length % 4) {
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: murmur2 mixes in the tail bytes from the last down, as Kafka's does
    case 3:
      h ^= (data[tail + 2] & 0xff) << 16;
    // falls through
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: murmur2's tail, as above
    case 2:
      h ^= (data[tail + 1] & 0xff) << 8;
    // falls through
    case 1:
      h ^= data[tail] & 0xff;
      h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's Utils.toPositive: clears the sign bit (not Math.abs, which differs for MIN_VALUE). */
export const toPositive = (n: number) => n & 0x7fffffff;

export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}

/**
 * Null-key records stick to one partition until about `batchBytes` have gone to it, then move to the
 * next one (Kafka's sticky partitioner, KIP-480/KIP-794, simplified to round-robin switching).
 * State is per process and per topic; it only spreads load, so it need not be shared.
 */
export class StickyPartitioner {
  private readonly state = new Map<string, { partition: number; bytes: number }>();

  constructor(private readonly batchBytes = 16_384) {}

  next(topic: string, numPartitions: number, recordBytes: number): number {
    let s = this.state.get(topic);
    if (!s || s.partition >= numPartitions) {
      s = { partition: Math.floor(Math.random() * numPartitions), bytes: 0 };
      this.state.set(topic, s);
    } else if (s.bytes >= this.batchBytes) {
      s.partition = (s.partition + 1) % numPartitions;
      s.bytes = 0;
    }
    s.bytes += recordBytes;
    return s.partition;
  }
}
