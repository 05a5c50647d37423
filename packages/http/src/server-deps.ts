import type { HeraldConfig, Logger } from '@herald/config';
import type { PrismaClient, SqlSession } from '@herald/db';
import type { AlertIngestor, SourceUsageRecorder } from '@herald/ingest';
import type { HeraldMetrics } from '@herald/metrics';
import type { HeraldQueues } from '@herald/queue';
import type { Redis } from 'ioredis';

export interface SecretCipher {
  encrypt(plain: string): string;
  decrypt(token: string): string;
  /** Fingerprint of the key `encrypt` uses, stored as webhooks.encryption_key_id for key rotation. */
  readonly primaryKeyId: string;
}

/** Everything the HTTP API needs, wired by the app that starts it. */
export interface ServerDeps {
  config: HeraldConfig;
  prisma: PrismaClient;
  /** Plain SQL on the same pool, for per-request lookups (ingest keys). */
  sql: SqlSession;
  queues: HeraldQueues;
  redis: Redis;
  ingestor: AlertIngestor;
  /** Counts of ingest URL requests, written in batches. */
  ingestUsage: SourceUsageRecorder;
  cipher: SecretCipher;
  logger: Logger;
  /** Tells every worker that webhooks, organizations or settings changed. */
  announceDirectoryChange(): Promise<void>;
  databaseKind: 'postgres' | 'pglite';
  /** The registry /metrics serves; a private one is created when absent. */
  metrics?: HeraldMetrics;
  /** False while this process's Fernet keys cannot open some enabled webhook: /readyz answers 503. */
  keysReady?(): Promise<boolean>;
  now?: () => number;
}
