import { aclsRouter } from './routers/acls';
import { authRouter } from './routers/auth';
import { clustersRouter } from './routers/clusters';
import { groupsRouter } from './routers/groups';
import { learnRouter } from './routers/learn';
import { ratesRouter } from './routers/rates';
import { recordsRouter } from './routers/records';
import { shopRouter } from './routers/shop';
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
  shop: shopRouter,
  learn: learnRouter,
});

export type AppRouter = typeof appRouter;
