import Link from 'next/link';
import { AuthProvider } from '@/components/auth/auth-context';
import type { Me } from '@/components/auth/me';
import { OpenBanner } from '@/components/auth/open-banner';
import { SessionWatch } from '@/components/auth/session-watch';
import { UserMenu } from '@/components/auth/user-menu';
import { NavLinks } from './nav-links';
import { ThemeToggle } from './theme-toggle';

/** `me`: the caller (auth.me); `openAddress`: where Brook listens, shown when the mode is 'none'. */
export function AppShell({ me, openAddress, children }: { me: Me; openAddress: string; children: React.ReactNode }) {
  // With auth on and nobody logged in (the login page), the shell links nowhere: every page needs a login.
  const signedOut = me.mode === 'on' && !me.principal;
  return (
    <AuthProvider me={me}>
      <SessionWatch />
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      {me.mode === 'none' && <OpenBanner address={openAddress} />}
      <header className="app-header">
        <Link href="/" className="brand" aria-label="Brook home">
          <span className="brand-mark" aria-hidden>
            ≋
          </span>{' '}
          Brook
        </Link>
        {!signedOut && <NavLinks />}
        <div className="header-end">
          <UserMenu />
          <ThemeToggle />
        </div>
      </header>
      <main id="main" className="page">
        {children}
      </main>
    </AuthProvider>
  );
}
