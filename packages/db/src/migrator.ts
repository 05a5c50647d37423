import { randomUUID } from 'node:crypto';
import { checksumMatches, MIGRATIONS_DIR, readMigrationFiles, type MigrationFile } from './migration-files';
import type { SqlExecutor, SqlSession } from './sql-executor';

/**
 * The advisory-lock key `prisma migrate deploy` takes, so this migrator, other Herald processes
 * and the Prisma CLI never apply migrations to the same database at the same time.
 */
export const MIGRATION_LOCK_KEY = 72707369;

/** Prisma's own history table, column for column, so `prisma migrate deploy/status` read the same history. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"            VARCHAR(64) NOT NULL,
    "finished_at"         TIMESTAMPTZ,
    "migration_name"      VARCHAR(255) NOT NULL,
    "logs"                TEXT,
    "rolled_back_at"      TIMESTAMPTZ,
    "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateOptions {
  /** Receives one line per applied migration and the final summary. */
  log?: (line: string) => void;
  /** Defaults to prisma/migrations at the repository root. */
  migrationsDir?: string;
  /** How long to wait for another process's migration run before giving up. */
  lockTimeoutMs?: number;
}

export interface MigrateResult {
  /** Migrations applied by this run, in order. */
  applied: string[];
  /** Migrations that were already applied before this run. */
  alreadyApplied: string[];
  /** Applied migrations recorded in the database but missing from the migrations directory (a newer release ran). */
  unknown: string[];
  /** One line saying what happened, e.g. "applied 1 migration (20261127030000_init) in 85 ms". */
  summary: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
}

const DEFAULT_LOCK_TIMEOUT_MS = 60_000;
const LOCK_POLL_MS = 100;

/**
 * Applies every pending migration from the migrations directory, each in its own transaction,
 * while holding Prisma's migration advisory lock on the executor's session.
 */
export async function migrate(executor: SqlExecutor, options: MigrateOptions = {}): Promise<MigrateResult> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const migrations = await readMigrationFiles(options.migrationsDir ?? MIGRATIONS_DIR);

  await acquireMigrationLock(executor, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  try {
    await executor.exec(CREATE_MIGRATIONS_TABLE);
    const history = await executor.query<HistoryRow>(
      `SELECT "migration_name", "checksum", "finished_at" FROM "_prisma_migrations"
       WHERE "rolled_back_at" IS NULL ORDER BY "started_at"`,
    );
    const { alreadyApplied, unknown } = checkHistory(migrations, history);

    const applied: string[] = [];
    for (const migration of migrations) {
      if (alreadyApplied.includes(migration.name)) continue;
      const migrationStarted = performance.now();
      await applyMigration(executor, migration);
      applied.push(migration.name);
      log(`applied migration ${migration.name} (${Math.round(performance.now() - migrationStarted)} ms)`);
    }

    const summary = summarize(applied, alreadyApplied, unknown, Math.round(performance.now() - started));
    log(summary);
    return { applied, alreadyApplied, unknown, summary };
  } finally {
    await executor.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
  }
}

async function acquireMigrationLock(executor: SqlExecutor, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await executor.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS "locked"', [MIGRATION_LOCK_KEY]);
    if (row?.locked) return;
    if (Date.now() >= deadline) {
      throw new MigrationError(
        `timed out after ${timeoutMs} ms waiting for the migration lock (advisory lock ${MIGRATION_LOCK_KEY}): ` +
          'another process is migrating this database, or a stuck session holds the lock (see pg_locks)',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

function checkHistory(migrations: MigrationFile[], history: HistoryRow[]): { alreadyApplied: string[]; unknown: string[] } {
  const failed = history.filter((row) => row.finished_at === null).map((row) => row.migration_name);
  if (failed.length > 0) {
    throw new MigrationError(
      `migration ${failed.join(', ')} started but never finished (a failed \`prisma migrate deploy\`?). ` +
        'Repair the database by hand, then mark it with `prisma migrate resolve --applied` or `--rolled-back`',
    );
  }
  const byName = new Map(migrations.map((migration) => [migration.name, migration]));
  const edited = history.filter((row) => {
    const migration = byName.get(row.migration_name);
    return migration !== undefined && !checksumMatches(migration, row.checksum);
  });
  if (edited.length > 0) {
    throw new MigrationError(
      `migration ${edited.map((row) => row.migration_name).join(', ')} was changed after it was applied ` +
        '(its migration.sql no longer matches the checksum in _prisma_migrations). ' +
        'Restore the original file and put the change in a new migration',
    );
  }
  const recorded = [...new Set(history.map((row) => row.migration_name))];
  return {
    alreadyApplied: recorded.filter((name) => byName.has(name)),
    unknown: recorded.filter((name) => !byName.has(name)),
  };
}

async function applyMigration(executor: SqlExecutor, migration: MigrationFile): Promise<void> {
  try {
    await executor.transaction(async (tx: SqlSession) => {
      const id = randomUUID();
      await tx.query(
        `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count")
         VALUES ($1, $2, $3, now(), 0)`,
        [id, migration.checksum, migration.name],
      );
      await tx.exec(migration.sql);
      await tx.query(`UPDATE "_prisma_migrations" SET "finished_at" = now(), "applied_steps_count" = 1 WHERE "id" = $1`, [id]);
    });
  } catch (error) {
    // The transaction rolled back, so nothing is recorded and the migration can be fixed and re-run.
    throw new MigrationError(`migration ${migration.name} failed and was rolled back: ${(error as Error).message}`, { cause: error });
  }
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function summarize(applied: string[], alreadyApplied: string[], unknown: string[], ms: number): string {
  const newer =
    unknown.length > 0 ? `; ${plural(unknown.length, 'newer migration')} in the database not in this release (${unknown.join(', ')})` : '';
  if (applied.length === 0) {
    return `database is up to date: no pending migrations (${plural(alreadyApplied.length, 'migration')} already applied)${newer}`;
  }
  const already = alreadyApplied.length > 0 ? `, ${alreadyApplied.length} already applied` : '';
  return `applied ${plural(applied.length, 'migration')} (${applied.join(', ')}) in ${ms} ms${already}${newer}`;
}
