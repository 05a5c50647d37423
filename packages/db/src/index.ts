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
export { rotateKeys, NoDecryptableWebhooksError, UNDECRYPTABLE } from './key-rotation';
export {
  createSession,
  deleteEndedSessions,
  findSessionByHash,
  revokeSessionByHash,
  touchSession,
  type NewSession,
  type StoredSession,
} from './store/tokens';
export { staleQueuedAlerts, staleOpenDeliveries, type SweepCursor, type StaleOpenDelivery } from './store/sweep-pages';
export { settleAlertStatuses } from './store/alerts';
export { deleteWebhookKeepingHistory } from './store/webhooks';
export { undeliveredAlertSignals } from './store/alerts';
export { noteDeliveryWaiting } from './store/deliveries';
export { EmbeddedDatabaseInUseError } from './pglite-lock';
export * from './store/ingest-sources';
export * from './store/organizations';
export * from './store/overview';
export * from './store/webhook-health';
export * from './store/alert-feed';
