/** The topic page's tabs (a plain module: server pages read it too, so not from a 'use client' file). */
export const TOPIC_TABS = ['messages', 'partitions', 'consumers', 'configs', 'produce'] as const;
export type TopicTab = (typeof TOPIC_TABS)[number];
