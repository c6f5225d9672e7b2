import Link from 'next/link';
import { NavLinks } from './nav-links';
import { ThemeToggle } from './theme-toggle';

export function AppShell({ children }: { children: React.ReactNode }) {
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="app-header">
        <Link href="/" className="brand" aria-label="Brook home">
          <span className="brand-mark" aria-hidden>
            ≋
          </span>{' '}
          Brook
        </Link>
        <NavLinks />
        <div className="header-end">
          <ThemeToggle />
        </div>
      </header>
      <main id="main" className="page">
        {children}
      </main>
    </>
  );
}
