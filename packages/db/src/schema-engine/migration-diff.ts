import fs from 'node:fs/promises';
import path from 'node:path';
import { MIGRATION_LOCK_FILE, readMigrationFiles } from '../migration-files';
import { inMemoryEngineAdapter, postgresEngineAdapter } from './engine-adapters';
import { openSchemaEngine, runEngineCommand, type DiffTarget, type MigrationList, type SchemaContainer } from './load-schema-engine';

/** prisma/schema.prisma at the repository root. */
export const SCHEMA_PATH = path.resolve(__dirname, '..', '..', '..', '..', 'prisma', 'schema.prisma');

export type DiffSource =
  /** Nothing: the SQL that builds the whole schema. */
  | { kind: 'empty' }
  /** The migration history, replayed on an in-memory shadow database: the SQL for the next migration. */
  | { kind: 'migrations'; dir: string }
  /** A live PostgreSQL database: what it lacks (or has too much) compared with the schema. */
  | { kind: 'database'; url: string };

export interface MigrationDiff {
  /** Executable SQL; Prisma writes `-- This is an empty migration.` when there is nothing to do. */
  sql: string;
  /** False when the source already matches the schema. */
  changed: boolean;
}

export async function readSchemaFiles(schemaPath: string): Promise<SchemaContainer[]> {
  return [{ path: schemaPath, content: await fs.readFile(schemaPath, 'utf8') }];
}

export async function migrationList(dir: string): Promise<MigrationList> {
  const migrations = await readMigrationFiles(dir);
  const lockfile = await fs.readFile(path.join(dir, MIGRATION_LOCK_FILE), 'utf8').catch(() => null);
  return {
    baseDir: dir,
    lockfile: { path: MIGRATION_LOCK_FILE, content: lockfile },
    shadowDbInitScript: '',
    migrationDirectories: migrations.map((migration) => ({
      path: migration.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: migration.sql } },
    })),
  };
}

/** The SQL that takes `from` to the Prisma schema, computed by Prisma's own schema engine. */
export async function diffToSchema(from: DiffSource, schemaPath: string = SCHEMA_PATH): Promise<MigrationDiff> {
  const schemaFiles = await readSchemaFiles(schemaPath);
  const adapter = from.kind === 'database' ? postgresEngineAdapter(from.url) : inMemoryEngineAdapter();
  const engine = await openSchemaEngine(adapter, schemaFiles);
  try {
    const source: DiffTarget =
      from.kind === 'empty'
        ? { tag: 'empty' }
        : from.kind === 'migrations'
          ? { tag: 'migrations', ...(await migrationList(from.dir)) }
          : { tag: 'schemaDatasource', files: schemaFiles, configDir: path.dirname(schemaPath) };
    const result = await runEngineCommand(() =>
      engine.diff({
        from: source,
        to: { tag: 'schemaDatamodel', files: schemaFiles },
        script: true,
        exitCode: true,
        filters: { externalTables: [], externalEnums: [] },
      }),
    );
    // With exitCode set the engine answers 2 for "there is a difference", like `prisma migrate diff --exit-code`.
    return { sql: result.stdout ?? '', changed: result.exitCode === 2 };
  } finally {
    engine.free();
  }
}
