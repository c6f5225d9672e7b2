import type { Metadata } from 'next';
import Link from 'next/link';
import { Tour } from '@/components/learn/tour/tour';
import { PageHeader } from '@/components/ui/bits';

export const metadata: Metadata = { title: 'Learn Kafka on a live broker' };

export default function Page() {
  return (
    <>
      <PageHeader
        title="Learn Kafka on a live broker"
        subtitle={
          <>
            Seven ideas, each shown on a real topic of this Brook. Everything here really happens: the same things appear in the console.
            Then try the <Link href="/learn/online-store">online-store example</Link>.
          </>
        }
      />
      <Tour />
    </>
  );
}
