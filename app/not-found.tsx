import type { Metadata } from 'next';
import { NotFoundMessage } from '@/components/ui/not-found-message';

export const metadata: Metadata = { title: 'Not found' };

/** Unknown topics, groups, permalinks and paths: status 404, in the console's own frame. */
export default function NotFound() {
  return <NotFoundMessage />;
}
