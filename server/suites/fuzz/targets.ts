import * as trpc from '@/server/api/trpc';
import { authTarget } from './auth-target';
import { kafkaTargets } from './kafka-targets';
import { rawTarget } from './raw-target';
import type { FuzzOptions } from './runner';
import type { Target } from './target';
import { trpcTargets } from './trpc-targets';

/** Whether the tRPC layer checks credentials (the `authorized` procedures): the default for --auth. */
export const httpAuthAvailable = (): boolean => typeof (trpc as Record<string, unknown>).authorized === 'function';

/** Every target of `npm run fuzz`, in the order they run. */
export function allTargets(): Pick<FuzzOptions, 'targets'> {
  return {
    async targets(env) {
      const kafka = await kafkaTargets(env);
      const auth = env.credentials ? [authTarget()] : [];
      const targets = [...trpcTargets(), rawTarget, ...auth, ...kafka.targets] as Target<unknown>[];
      return { targets, close: kafka.close };
    },
  };
}
