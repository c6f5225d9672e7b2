'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * The latest of a fast-changing value, applied at most once per animation frame: the status poll and
 * the three lane reads land at different moments, and at 50 orders/s re-drawing the picture for each
 * of them would cost frames; this coalesces them into one render per frame.
 */
export function useFrameValue<T>(value: T): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  const pending = useRef<number | null>(null);
  useEffect(() => {
    latest.current = value;
    if (pending.current !== null) return;
    pending.current = requestAnimationFrame(() => {
      pending.current = null;
      setShown(() => latest.current);
    });
  }, [value]);
  useEffect(
    () => () => {
      if (pending.current !== null) cancelAnimationFrame(pending.current);
    },
    [],
  );
  return shown;
}
