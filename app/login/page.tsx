import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { LoginPage } from '@/components/auth/login-page';
import { safeNext } from '@/components/auth/me';
import { currentMe } from '@/server/api/page-me';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Log in' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function Page({ searchParams }: Props) {
  const next = safeNext((await searchParams).next);
  const me = await currentMe();
  // Already logged in: straight on to where they were going.
  if (me.mode === 'on' && me.principal) redirect(next);
  return <LoginPage mode={me.mode} next={next} />;
}
