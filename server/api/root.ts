import { EXAMPLES } from '@/server/examples';
import { aclsRouter } from './routers/acls';
import { authRouter } from './routers/auth';
import { clustersRouter } from './routers/clusters';
import { groupsRouter } from './routers/groups';
import { ratesRouter } from './routers/rates';
import { recordsRouter } from './routers/records';
import { topicsRouter } from './routers/topics';
import { createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  acls: aclsRouter,
  topics: topicsRouter,
  records: recordsRouter,
  groups: groupsRouter,
  clusters: clustersRouter,
  rates: ratesRouter,
  // The examples' APIs, each under its name.
  shop: EXAMPLES.shop.router,
  learn: EXAMPLES.learn.router,
});

export type AppRouter = typeof appRouter;
