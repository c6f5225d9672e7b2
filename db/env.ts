import path from 'node:path';

/** drizzle-kit's output folder; read at run time by the migrator. (Connection settings: server/env.ts.) */
export const MIGRATIONS_FOLDER = path.join(process.cwd(), 'db', 'migrations');
