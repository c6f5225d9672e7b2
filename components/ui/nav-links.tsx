'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useMe } from '@/components/auth/auth-context';
import { meAllows } from '@/components/auth/me';

const LINKS = [
  { href: '/', label: 'Overview' },
  { href: '/topics', label: 'Topics' },
  { href: '/groups', label: 'Consumer groups' },
  { href: '/learn', label: 'Learn' },
];

/** Only with auth on: with it off nobody logs in, so there is nobody to manage. */
const ADMIN_LINKS = [
  { href: '/users', label: 'Users & tokens' },
  { href: '/acls', label: 'ACLs' },
  { href: '/audit', label: 'Audit log' },
];

export function NavLinks() {
  const path = usePathname();
  const me = useMe();
  const links = me.mode === 'on' && meAllows(me, 'admin') ? [...LINKS, ...ADMIN_LINKS] : LINKS;
  return (
    <nav aria-label="Main" className="nav-links">
      {links.map((l) => {
        const active = l.href === '/' ? path === '/' : path.startsWith(l.href);
        return (
          <Link key={l.href} href={l.href} className={active ? 'active' : undefined} aria-current={active ? 'page' : undefined}>
            {l.label}
          </Link>
        );
      })}
    </nav>
  );
}
