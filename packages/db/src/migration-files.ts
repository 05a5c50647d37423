import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** prisma/migrations at the repository root: the one migration history every backend shares. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', '..', 'prisma', 'migrations');

export const MIGRATION_LOCK_FILE = 'migration_lock.toml';

export interface MigrationFile {
  /** Directory name, e.g. `20261127030000_init`; names sort in the order they apply. */
  name: string;
  sql: string;
  /** SHA-256 of migration.sql in hex, as Prisma records it in `_prisma_migrations.checksum`. */
  checksum: string;
}

export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/**
 * Prisma also accepts a recorded checksum that matches the script with CRLF line endings
 * turned into LF, so a checkout with different line endings does not count as an edit.
 */
export function checksumMatches(migration: MigrationFile, recorded: string): boolean {
  return recorded === migration.checksum || recorded === migrationChecksum(migration.sql.replace(/\r\n/g, '\n'));
}

/** Every `<dir>/<name>/migration.sql`, in name order (the order Prisma applies them). */
export async function readMigrationFiles(dir: string = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name, 'migration.sql');
      const sql = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') throw new Error(`migration directory ${name} has no migration.sql (${file})`);
        throw error;
      });
      return { name, sql, checksum: migrationChecksum(sql) };
    }),
  );
}
