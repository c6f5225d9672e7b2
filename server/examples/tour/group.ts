import { relayed } from '@/server/api/errors';
import { type Brook, type Consumer, isBrookError } from '@/server/client';
import { inProcessBrook } from '../in-process';
import { MAX_MEMBERS, SCRATCH_TOPIC, TOUR_GROUP } from './names';

/**
 * The tour's consumer group: up to MAX_MEMBERS members of Brook's own client library, running in this
 * process against this process's broker (no network hop). Kept small and bounded; members leave when
 * nobody has looked at the tour for IDLE_MS, and (best effort) when the process stops. The short
 * session timeout fences any member that could not leave, so the group never holds partitions long.
 */
export const IDLE_MS = 5 * 60_000;
/** Each member handles one record at a time this slowly, so a burst of records shows lag draining. */
export const PROCESS_MS = 400;
const SESSION_TIMEOUT_MS = 10_000;

interface Member {
  clientId: string;
  consumer: Consumer;
}

interface TourState {
  members: Member[];
  lastTouched: number;
  next: number;
  sweeper: NodeJS.Timeout | null;
  hooked: boolean;
  /** Serializes add/remove so two clicks never race past MAX_MEMBERS. */
  queue: Promise<unknown>;
}

// Next.js loads route modules more than once; one state per process, like the broker runtime.
const g = globalThis as typeof globalThis & { __brookTour?: TourState };
const state = (): TourState => {
  g.__brookTour ??= { members: [], lastTouched: Date.now(), next: 1, sweeper: null, hooked: false, queue: Promise.resolve() };
  return g.__brookTour;
};

function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const s = state();
  const run = s.queue.then(fn, fn);
  s.queue = run.catch(() => {});
  return run;
}

/** Records that someone is looking at the tour (every learn call does). */
export function touchTour(now: number): void {
  state().lastTouched = now;
}

/** `api`: Brook's API as an in-process client (the HTTP edge, no socket). */
function brookFor(api: typeof fetch): Brook {
  return inProcessBrook(api, 'brook-tour');
}

export function localMembers(): string[] {
  return state().members.map((m) => m.clientId);
}

/** Starts one more member (up to MAX_MEMBERS); returns the members' client ids. */
export function addMember(api: typeof fetch): Promise<string[]> {
  return serialized(async () => {
    const s = state();
    if (s.members.length >= MAX_MEMBERS) return localMembers();
    const clientId = `tour-consumer-${s.next++}`;
    const consumer = brookFor(api).consumer({
      groupId: TOUR_GROUP,
      clientId,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: 1000,
      logError: () => {}, // a stopping member's last request may fail; the page shows the group's state
    });
    await consumer.subscribe({ topics: [SCRATCH_TOPIC] });
    await consumer.run({ autoCommitInterval: 500, eachMessage: () => new Promise((r) => setTimeout(r, PROCESS_MS)) });
    s.members.push({ clientId, consumer });
    ensureSweeper();
    return localMembers();
  });
}

/** Stops the newest member: it leaves the group, and its partitions move to the others. */
export function removeMember(): Promise<string[]> {
  return serialized(async () => {
    const m = state().members.pop();
    if (m) await m.consumer.disconnect().catch(() => {});
    return localMembers();
  });
}

export function stopAllMembers(): Promise<void> {
  return serialized(async () => {
    const s = state();
    const all = s.members.splice(0);
    await Promise.all(all.map((m) => m.consumer.disconnect().catch(() => {})));
  });
}

/** Members leave when the tour has been idle for IDLE_MS; the check itself is a pure function of now. */
export function isIdle(lastTouched: number, now: number): boolean {
  return now - lastTouched >= IDLE_MS;
}

function ensureSweeper() {
  const s = state();
  if (!s.sweeper) {
    s.sweeper = setInterval(() => {
      if (s.members.length > 0 && isIdle(s.lastTouched, Date.now())) void stopAllMembers();
    }, 30_000);
    s.sweeper.unref();
  }
  if (!s.hooked) {
    s.hooked = true;
    // Before the runtime's own handler closes the broker, so the leave requests can still be answered.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.prependOnceListener(signal, () => void stopAllMembers());
  }
}

export interface TourGroupStatus {
  groupId: string;
  maxMembers: number;
  /** Members this process runs (the + / − buttons act on these). */
  local: string[];
  members: Array<{ memberId: string; clientId: string; partitions: number[] }>;
  partitions: Array<{ partition: number; committedOffset: number | null; highWatermark: number; lag: number | null; owner: string | null }>;
}

/** The group as the broker sees it (members, assignment, committed offsets, lag), or empty if it has never formed. */
export async function tourGroupStatus(api: typeof fetch): Promise<TourGroupStatus> {
  const base = { groupId: TOUR_GROUP, maxMembers: MAX_MEMBERS, local: localMembers() };
  try {
    const d = await inProcessBrook(api, 'brook-tour', { forRequest: true }).admin().describeGroup(TOUR_GROUP);
    return {
      ...base,
      members: d.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        partitions: m.assignment.filter((t) => t.topic === SCRATCH_TOPIC).flatMap((t) => t.partitions),
      })),
      partitions: d.lag.partitions
        .filter((p) => p.topic === SCRATCH_TOPIC)
        .map((p) => ({
          partition: p.partition,
          committedOffset: p.committedOffset,
          highWatermark: p.logEndOffset,
          lag: p.lag,
          owner: p.memberId,
        })),
    };
  } catch (err) {
    if (isBrookError(err, 'GROUP_ID_NOT_FOUND')) return { ...base, members: [], partitions: [] };
    throw relayed(err);
  }
}
