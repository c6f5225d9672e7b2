'use client';

import { useSyncExternalStore } from 'react';
import { agoText, formatTime } from './format';

// One shared clock for every relative time on the page, ticking once a second while any is shown.
let now = 0;
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  listener();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/**
 * The browser's clock (ms), or null while rendering on the server and hydrating: React uses the
 * server snapshot then, so the text matches what the server sent.
 */
export function useNow(): number | null {
  return useSyncExternalStore(
    subscribe,
    () => (timer ? now : null),
    () => null,
  );
}

/** "12 s ago" in the browser; the UTC time in the server's HTML and in the tooltip. */
export function Ago({ at }: { at: number }) {
  const clock = useNow();
  return (
    <time dateTime={new Date(at).toISOString()} title={formatTime(at)}>
      {clock === null ? formatTime(at) : agoText(at, clock)}
    </time>
  );
}
