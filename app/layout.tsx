import type { Metadata } from 'next';
import { TRPCReactProvider } from '@/components/trpc/provider';
import { AppShell } from '@/components/ui/app-shell';
import { themeBootScript } from '@/components/ui/theme-toggle';
import { currentMe, listeningOn } from '@/server/api/page-me';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Brook', template: '%s · Brook' },
  description: 'A Kafka-style event-streaming broker whose log lives in PostgreSQL.',
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Who is calling decides which controls the pages show; proxy.ts has already sent callers without a session to /login.
  const me = await currentMe();
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: our own constant script; it sets the theme before first paint (no flash), so it cannot wait for React */}
        <script dangerouslySetInnerHTML={{ __html: themeBootScript }} />
      </head>
      <body>
        <TRPCReactProvider>
          <AppShell me={me} openAddress={me.mode === 'none' ? listeningOn() : ''}>
            {children}
          </AppShell>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
