import { kafkaTargets } from './kafka-targets';
import { rawTarget } from './raw-target';
import type { FuzzOptions } from './runner';
import type { Target } from './target';
import { trpcTargets } from './trpc-targets';

/** Every target of `npm run fuzz`, in the order they run. */
export function allTargets(): Pick<FuzzOptions, 'targets' | 'prepare'> {
  return {
    async targets(env) {
      const kafka = await kafkaTargets(env);
      const targets = [...trpcTargets(), rawTarget, ...kafka.targets] as Target<unknown>[];
      return { targets, close: kafka.close };
    },
  };
}
