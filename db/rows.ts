import { getTableColumns, type Table } from 'drizzle-orm';

/**
 * Row types come from db/schema.ts (drizzle), so a column renamed or retyped there is a type error in
 * every query that reads it. Statements stay plain SQL through the adapter; `selectList` writes their
 * select list from the schema, so the rows come back keyed like `$inferSelect`.
 */
export type RowOf<T extends Table> = T['$inferSelect'];

/** `alias."column_name" AS "key"` for each key: a select list whose rows are `Pick<RowOf<T>, K>`. */
export function selectList<T extends Table, K extends keyof RowOf<T> & string>(table: T, keys: readonly K[], alias?: string): string {
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  return keys.map((k) => `${alias ? `${alias}.` : ''}"${columns[k].name}" AS "${k}"`).join(', ');
}
