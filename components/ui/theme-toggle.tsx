'use client';

import { useLayoutEffect, useState } from 'react';

type Theme = 'system' | 'light' | 'dark';
const NEXT: Record<Theme, Theme> = { system: 'dark', dark: 'light', light: 'system' };
const LABEL: Record<Theme, string> = { system: 'Theme: system', dark: 'Theme: dark', light: 'Theme: light' };

/** Follows the system setting until the user picks light or dark (kept in localStorage). */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>('system');
  useLayoutEffect(() => {
    // React 19 hydration resets <html>'s attributes to what it rendered: put the saved choice back
    // before the first paint (the boot script already applied it to the server HTML).
    const saved = (localStorage.getItem('brook-theme') as Theme) || 'system';
    if (saved !== 'system') document.documentElement.setAttribute('data-theme', saved);
    setTheme(saved);
  }, []);
  const cycle = () => {
    const next = NEXT[theme];
    setTheme(next);
    if (next === 'system') {
      localStorage.removeItem('brook-theme');
      document.documentElement.removeAttribute('data-theme');
    } else {
      localStorage.setItem('brook-theme', next);
      document.documentElement.setAttribute('data-theme', next);
    }
  };
  return (
    <button
      type="button"
      className="btn ghost"
      onClick={cycle}
      data-testid="theme-toggle"
      aria-label={`${LABEL[theme]} (change)`}
      title={LABEL[theme]}
    >
      {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'} <span className="hide-narrow">{theme}</span>
    </button>
  );
}

/** Runs before paint (inline in <head>) so a saved choice never flashes the other theme. */
export const themeBootScript = `try{var t=localStorage.getItem('brook-theme');if(t)document.documentElement.setAttribute('data-theme',t)}catch(e){}`;
