import type { Metadata } from 'next';
import { TRPCReactProvider } from '@/components/trpc/provider';
import './globals.css';

export const metadata: Metadata = {
  title: 'Brook',
  description: 'A Kafka-style event-streaming broker whose log lives in PostgreSQL.',
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
