import type { TopicPartition, TopicPartitions } from '../kernel/topic-partition';

/**
 * The consumer's instrumentation events, named as kafkajs names them (`consumer.events.HEARTBEAT` is
 * 'consumer.heartbeat'), plus Brook's own (assignment changes, fencing). `consumer.on()` accepts only
 * these names, so a typo fails at once instead of listening for nothing.
 */
export const CONSUMER_EVENTS = {
  CONNECT: 'consumer.connect',
  HEARTBEAT: 'consumer.heartbeat',
  COMMIT_OFFSETS: 'consumer.commit_offsets',
  GROUP_JOIN: 'consumer.group_join',
  FETCH: 'consumer.fetch',
  START_BATCH_PROCESS: 'consumer.start_batch_process',
  END_BATCH_PROCESS: 'consumer.end_batch_process',
  REBALANCING: 'consumer.rebalancing',
  PARTITIONS_ASSIGNED: 'consumer.partitions_assigned',
  PARTITIONS_REVOKED: 'consumer.partitions_revoked',
  FENCED: 'consumer.fenced',
  STOP: 'consumer.stop',
  DISCONNECT: 'consumer.disconnect',
  CRASH: 'consumer.crash',
  REQUEST_TIMEOUT: 'consumer.network.request_timeout',
} as const;

export type ConsumerEvents = typeof CONSUMER_EVENTS;
export type ConsumerEventName = ConsumerEvents[keyof ConsumerEvents];

interface Member {
  groupId: string;
  memberId: string | null;
  memberEpoch: number;
}

type CommittedTopics = Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;

interface BatchInfo {
  topic: string;
  partition: number;
  highWatermark: string;
  /** Records in the log after this batch's last one. */
  offsetLag: string;
  batchSize: number;
  firstOffset: string | null;
  lastOffset: string;
}

/** What each event carries. No record keys or values: listeners often log these. */
export interface ConsumerEventPayloads {
  'consumer.connect': { groupId: string };
  'consumer.heartbeat': Member;
  'consumer.commit_offsets': Member & { topics: CommittedTopics };
  'consumer.group_join': Member & { memberAssignment: TopicPartitions[]; duration: number };
  'consumer.fetch': TopicPartition & { numberOfRecords: number; highWatermark: string; duration: number };
  'consumer.start_batch_process': BatchInfo;
  'consumer.end_batch_process': BatchInfo & { duration: number };
  /** The broker's assignment differs from what this member owns: partitions are being moved. */
  'consumer.rebalancing': Member & { assignment: TopicPartitions[] };
  'consumer.partitions_assigned': { groupId: string; partitions: TopicPartition[] };
  'consumer.partitions_revoked': { groupId: string; partitions: TopicPartition[] };
  /** The broker no longer knows this member (session expired, epoch fenced): it rejoins as new. */
  'consumer.fenced': Member & { reason: string };
  'consumer.stop': { groupId: string };
  'consumer.disconnect': { groupId: string };
  /**
   * An error the consumer met while running: a handler that threw (the record is handed again after
   * `retryBackoffMs`), a failed heartbeat, fetch or commit (retried). `restart` is true: it carries on.
   */
  'consumer.crash': { groupId: string; error: Error; restart: boolean };
  /** Brook answered REQUEST_TIMED_OUT (its database did not answer in time); the call is retried. */
  'consumer.network.request_timeout': { groupId: string; message: string };
}

/** Committed offsets as kafkajs reports them: per topic, per partition, the offset as a string. */
export function offsetsByTopic(offsets: Array<TopicPartition & { offset: number | string }>): CommittedTopics {
  const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: String(o.offset) }]);
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

export interface InstrumentationEvent<T> {
  id: number;
  type: ConsumerEventName;
  timestamp: number;
  payload: T;
}

export type ConsumerEventListener<E extends ConsumerEventName> = (event: InstrumentationEvent<ConsumerEventPayloads[E]>) => void;

const NAMES = new Set<string>(Object.values(CONSUMER_EVENTS));

/**
 * Listeners per event name. A listener that throws is reported (console.error) and the others still
 * run: instrumentation never breaks consumption. A CRASH nobody listens for is logged, with the group id
 * and the error but no record data, so errors are never silent.
 */
export class ConsumerEmitter {
  private readonly listeners = new Map<ConsumerEventName, Set<(event: InstrumentationEvent<unknown>) => void>>();
  private nextId = 0;
  private lastLogged = '';

  constructor(
    private readonly groupId: string,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {}

  /** Adds a listener; returns the function that removes it. Throws for a name not in CONSUMER_EVENTS. */
  on<E extends ConsumerEventName>(name: E, listener: ConsumerEventListener<E>): () => void {
    if (!NAMES.has(name))
      throw new TypeError(`unknown consumer event "${String(name)}": use one of consumer.events (${[...NAMES].join(', ')})`);
    const set = this.listeners.get(name) ?? new Set();
    const l = listener as (event: InstrumentationEvent<unknown>) => void;
    set.add(l);
    this.listeners.set(name, set);
    return () => set.delete(l);
  }

  emit<E extends ConsumerEventName>(name: E, payload: ConsumerEventPayloads[E]): void {
    const set = this.listeners.get(name);
    if (name === CONSUMER_EVENTS.CRASH && !set?.size) this.logUnhandled((payload as ConsumerEventPayloads['consumer.crash']).error);
    if (!set) return;
    const event = { id: this.nextId++, type: name, timestamp: Date.now(), payload };
    for (const l of [...set]) {
      try {
        l(event);
      } catch (err) {
        this.log(`[brook] consumer group ${this.groupId}: a ${name} listener threw: ${describeError(err)}`);
      }
    }
  }

  /** Reports an error met while running: CRASH, and REQUEST_TIMEOUT when Brook timed out. */
  error(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    if ((error as { kafkaName?: string }).kafkaName === 'REQUEST_TIMED_OUT')
      this.emit(CONSUMER_EVENTS.REQUEST_TIMEOUT, { groupId: this.groupId, message: error.message });
    this.emit(CONSUMER_EVENTS.CRASH, { groupId: this.groupId, error, restart: true });
  }

  /** The same error again (a handler failing on every retry) is logged once, until another comes. */
  private logUnhandled(error: Error): void {
    const line = `[brook] consumer group ${this.groupId}: ${describeError(error)} (listen for consumer.events.CRASH to handle it)`;
    if (line === this.lastLogged) return;
    this.lastLogged = line;
    this.log(line);
  }
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const kafka = (err as { kafkaName?: string }).kafkaName;
  return `${err.name}${kafka ? ` ${kafka}` : ''}: ${err.message}`;
}
