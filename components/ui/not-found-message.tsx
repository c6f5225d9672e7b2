'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

interface Missing {
  what: string;
  back: { href: string; label: string };
  hint?: string;
}

function decode(s: string) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** What the address named, read back from it (Next's not-found page gets no parameters). */
export function describeMissing(pathname: string): Missing {
  const [section, name, partition, offset, ...rest] = pathname.split('/').filter(Boolean).map(decode);
  if (section === 'topics' && name !== undefined && rest.length === 0) {
    const back = { href: '/topics', label: 'All topics' };
    if (partition === undefined)
      return {
        what: `Topic "${name}" does not exist.`,
        back,
        hint: 'It may have been deleted, or the name is misspelled (names are case-sensitive).',
      };
    if (/^\d+$/.test(partition) && offset !== undefined && /^\d+$/.test(offset)) {
      return {
        what: `Topic "${name}" or its partition ${partition} does not exist.`,
        back,
        hint: `So there is no record at offset ${offset} to show.`,
      };
    }
  }
  if (section === 'groups' && name !== undefined && partition === undefined) {
    return {
      what: `Consumer group "${name}" does not exist.`,
      back: { href: '/groups', label: 'All consumer groups' },
      hint: 'A group exists while it has members or committed offsets.',
    };
  }
  // No path in the text: for an address no route matches, the server renders this as "/_not-found".
  return {
    what: 'Page not found.',
    back: { href: '/', label: 'Back to the overview' },
    hint: 'Nothing in the console lives at this address.',
  };
}

export function NotFoundMessage() {
  const m = describeMissing(usePathname());
  return (
    <div className="empty not-found" data-testid="not-found">
      <p className="not-found-code">404</p>
      <h1>{m.what}</h1>
      {m.hint && <p className="muted">{m.hint}</p>}
      <p>
        <Link href={m.back.href} className="btn primary">
          {m.back.label}
        </Link>
      </p>
    </div>
  );
}
