export * from './generated/prisma/client';
export { createDatabase, type CreateDatabaseOptions, type Database, type DatabaseKind, type DatabaseRole } from './client';
export { migrate, MigrationError, MIGRATION_LOCK_KEY, type MigrateOptions, type MigrateResult } from './migrator';
export { MIGRATIONS_DIR, migrationChecksum, readMigrationFiles, type MigrationFile } from './migration-files';
export {
  pgExecutor,
  pgliteExecutor,
  poolExecutor,
  PREPARED_STATEMENTS_SETTING,
  type PoolExecutorOptions,
  type SqlExecutor,
  type SqlSession,
} from './sql-executor';
export { isDatabaseUnavailable } from './database-errors';
export { uuidv7 } from './uuidv7';
export { assertSomeWebhookDecrypts, rotateKeys, NoDecryptableWebhooksError, UNDECRYPTABLE } from './key-rotation';
export { EmbeddedDatabaseInUseError } from './pglite-lock';
export * from './store';
