/**
 * The value an invariant of the code guarantees, checked instead of asserted with `!`: if it is missing
 * after all, this throws an Error naming the broken invariant rather than letting `undefined` travel on.
 * Pure (no server-only imports), so the console's components may use it too.
 */
export function must<T>(value: T | null | undefined, invariant: string): T {
  if (value === null || value === undefined) throw new Error(`Broken invariant: ${invariant}`);
  return value;
}
