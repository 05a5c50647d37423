import { loadConfig } from '@herald/config';
import { createDatabase } from '../client';

/**
 * Applies pending migrations to DATABASE_URL, or without it to the single-node PGlite database under
 * HERALD_DATA_DIR (stop single-node Herald first). Exits 1 with one line on failure.
 */
export async function runMigrateCommand(): Promise<void> {
  try {
    const config = loadConfig();
    const where = config.databaseUrl ? 'PostgreSQL from DATABASE_URL' : `PGlite in ${config.dataDir}/pglite`;
    const database = await createDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      role: 'single-node',
      poolSize: 1,
      // Each applied migration gets a line; the last line is the summary.
      migrations: { log: (line) => process.stdout.write(`db:migrate (${where}): ${line}\n`) },
    });
    try {
      await database.migrate();
    } finally {
      await database.close();
    }
  } catch (error) {
    process.stderr.write(`db:migrate failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
