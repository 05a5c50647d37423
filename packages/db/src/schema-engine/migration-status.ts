import { MIGRATIONS_DIR } from '../migration-files';
import { postgresEngineAdapter } from './engine-adapters';
import { openSchemaEngine, runEngineCommand } from './load-schema-engine';
import { migrationList, readSchemaFiles, SCHEMA_PATH } from './migration-diff';

export interface PrismaMigrationStatus {
  /** True when Prisma would find nothing to apply and nothing wrong (what `prisma migrate status` calls up to date). */
  upToDate: boolean;
  /** Migrations in the directory that the database has not applied. */
  unapplied: string[];
  /** Applied migrations whose migration.sql changed since. */
  edited: string[];
  /** Migrations recorded as started but never finished. */
  failed: string[];
  /** Applied migrations missing from the directory. */
  unknown: string[];
}

/** How Prisma's own migration engine reads `_prisma_migrations` of the database at `url` against the migrations directory. */
export async function prismaMigrationStatus(
  url: string,
  dir: string = MIGRATIONS_DIR,
  schemaPath: string = SCHEMA_PATH,
): Promise<PrismaMigrationStatus> {
  const engine = await openSchemaEngine(postgresEngineAdapter(url), await readSchemaFiles(schemaPath));
  try {
    const migrationsList = await migrationList(dir);
    const diagnosis = await runEngineCommand(() =>
      engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: { externalTables: [], externalEnums: [] } }),
    );
    const history = diagnosis.history;
    const unapplied = history && history.diagnostic !== 'migrationsDirectoryIsBehind' ? history.unappliedMigrationNames : [];
    const unknown = history && history.diagnostic !== 'databaseIsBehind' ? history.unpersistedMigrationNames : [];
    return {
      upToDate:
        history === null &&
        diagnosis.hasMigrationsTable &&
        diagnosis.editedMigrationNames.length === 0 &&
        diagnosis.failedMigrationNames.length === 0,
      unapplied,
      edited: diagnosis.editedMigrationNames,
      failed: diagnosis.failedMigrationNames,
      unknown,
    };
  } finally {
    engine.free();
  }
}
