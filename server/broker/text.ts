/**
 * Text that reaches Postgres text or jsonb columns (group ids, member and client ids, commit metadata):
 * Postgres refuses NUL ("invalid byte sequence for encoding UTF8: 0x00") and jsonb refuses lone
 * surrogates, so both are refused here first with a Kafka error instead of failing in SQL.
 */
export const isWellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this regex's purpose
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `s` cannot be stored (or, without `controls`, used as a name), or null. */
export function textProblem(s: string, { controls = false } = {}): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character';
  if (!isWellFormed(s)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
  if (!controls && CONTROL.test(s)) return 'contains a control character';
  return null;
}
