import { describe, expect, it } from 'vitest';
import { CONSUMER_EVENTS, ConsumerEmitter, type ConsumerEventName, offsetsByTopic } from './consumer-events';
import { BrookError } from './http';

const emitter = () => {
  const lines: string[] = [];
  return { lines, events: new ConsumerEmitter('g-1', (line) => lines.push(line)) };
};

describe('consumer events', () => {
  it('on() refuses a name that is not in consumer.events', () => {
    const { events } = emitter();
    expect(() => events.on('error' as ConsumerEventName, () => {})).toThrow(/unknown consumer event "error"/);
    expect(() => events.on('consumer.hearbeat' as ConsumerEventName, () => {})).toThrow(TypeError);
    expect(() => events.on(CONSUMER_EVENTS.HEARTBEAT, () => {})).not.toThrow();
  });

  it('delivers typed payloads as kafkajs does; the returned function removes the listener', () => {
    const { events } = emitter();
    const seen: Array<{ type: string; memberEpoch: number; id: number }> = [];
    const off = events.on(CONSUMER_EVENTS.HEARTBEAT, (e) => seen.push({ type: e.type, memberEpoch: e.payload.memberEpoch, id: e.id }));
    events.emit(CONSUMER_EVENTS.HEARTBEAT, { groupId: 'g-1', memberId: 'm', memberEpoch: 3 });
    off();
    events.emit(CONSUMER_EVENTS.HEARTBEAT, { groupId: 'g-1', memberId: 'm', memberEpoch: 4 });
    expect(seen).toEqual([{ type: 'consumer.heartbeat', memberEpoch: 3, id: 0 }]);
  });

  it('an error nobody listens for is logged with the group id, once while it repeats', () => {
    const { lines, events } = emitter();
    events.error(new Error('handler failed'));
    events.error(new Error('handler failed'));
    events.error(new BrookError('database down', 'KAFKA_STORAGE_ERROR', 56, true, 503));
    expect(lines).toEqual([
      '[brook] consumer group g-1: Error: handler failed (listen for consumer.events.CRASH to handle it)',
      '[brook] consumer group g-1: BrookError KAFKA_STORAGE_ERROR: database down (listen for consumer.events.CRASH to handle it)',
    ]);
  });

  it('a CRASH listener takes errors over (no log); REQUEST_TIMED_OUT also reports REQUEST_TIMEOUT', () => {
    const { lines, events } = emitter();
    const crashes: Array<{ message: string; restart: boolean }> = [];
    const timeouts: string[] = [];
    events.on(CONSUMER_EVENTS.CRASH, ({ payload }) => crashes.push({ message: payload.error.message, restart: payload.restart }));
    events.on(CONSUMER_EVENTS.REQUEST_TIMEOUT, ({ payload }) => timeouts.push(payload.groupId));
    events.error(new BrookError('slow', 'REQUEST_TIMED_OUT', 7, true, 503));
    events.error('not an Error');
    expect(crashes).toEqual([
      { message: 'slow', restart: true },
      { message: 'not an Error', restart: true },
    ]);
    expect(timeouts).toEqual(['g-1']);
    expect(lines).toEqual([]);
  });

  it('a listener that throws is reported and does not stop the others', () => {
    const { lines, events } = emitter();
    let reached = false;
    events.on(CONSUMER_EVENTS.STOP, () => {
      throw new Error('bad listener');
    });
    events.on(CONSUMER_EVENTS.STOP, () => {
      reached = true;
    });
    events.emit(CONSUMER_EVENTS.STOP, { groupId: 'g-1' });
    expect(reached).toBe(true);
    expect(lines).toEqual(['[brook] consumer group g-1: a consumer.stop listener threw: Error: bad listener']);
  });

  it('groups committed offsets by topic', () => {
    expect(
      offsetsByTopic([
        { topic: 'a', partition: 1, offset: 5 },
        { topic: 'b', partition: 0, offset: '2' },
        { topic: 'a', partition: 0, offset: 9 },
      ]),
    ).toEqual([
      {
        topic: 'a',
        partitions: [
          { partition: 1, offset: '5' },
          { partition: 0, offset: '9' },
        ],
      },
      { topic: 'b', partitions: [{ partition: 0, offset: '2' }] },
    ]);
  });
});
