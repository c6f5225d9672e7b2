'use client';

import { useEffect, useState } from 'react';
import { formatAgo, formatClock, formatTime } from '@/components/ui/format';

/**
 * "3.2 s ago", ticking. The server and the first client render show the UTC clock time instead: both
 * would read Date.now() at different moments, and React refuses (hydration error #418) if they differ.
 */
export function Since({ at }: { at: number }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  return (
    <time dateTime={new Date(at).toISOString()} title={formatTime(at)}>
      {now === null ? `${formatClock(at)} UTC` : formatAgo(at, now)}
    </time>
  );
}
