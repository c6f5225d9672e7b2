/** The binary COPY statement both drivers send (Postgres from STDIN, PGlite from its blob device). */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export function copySql(table: string, columns: readonly string[], source: string): string {
  // Identifiers here come from code (generated from ids), but refuse anything that is not a plain identifier.
  for (const id of [table, ...columns]) {
    if (!IDENTIFIER.test(id)) throw new Error(`refusing unsafe identifier in COPY: ${JSON.stringify(id)}`);
  }
  return `COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM ${source} WITH (FORMAT binary)`;
}
