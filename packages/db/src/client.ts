import fs from 'node:fs/promises';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client';
import { migrate, type MigrateOptions, type MigrateResult } from './migrator';
import { lockEmbeddedDatabase } from './pglite-lock';
import { pgExecutor, pgliteExecutor, poolExecutor, type SqlExecutor } from './sql-executor';

/** Which Herald process is opening the database; only single-node may use embedded PGlite. */
export type DatabaseRole = 'single-node' | 'worker' | 'api' | 'digest';

export type DatabaseKind = 'postgres' | 'pglite';

export interface CreateDatabaseOptions {
  /** PostgreSQL connection string; unset means embedded PGlite (single-node only). */
  databaseUrl?: string | undefined;
  /** Herald's data directory; PGlite keeps its files in `<dataDir>/pglite`. */
  dataDir: string;
  role: DatabaseRole;
  /** Connections in the PostgreSQL pool (default 10). Ignored for PGlite. */
  poolSize?: number;
  /** How long to wait for a new PostgreSQL connection before failing (default 10 s). */
  connectTimeoutMs?: number;
  /** Named prepared statements on the hot path (default true); false behind PgBouncer < 1.21 in transaction mode. */
  preparedStatements?: boolean;
  /** Where the database layer reports something an operator should change (e.g. the setting above). */
  onWarning?: (message: string) => void;
  /** Options for `migrate()`: where it logs, which directory, how long it waits for the lock. */
  migrations?: MigrateOptions;
}

export interface Database {
  prisma: PrismaClient;
  /** Plain SQL on the same connections as `prisma`, for the hot path's batched statements. */
  sql: SqlExecutor;
  kind: DatabaseKind;
  /** Applies pending migrations from prisma/migrations (safe to call from several processes at once). */
  migrate(): Promise<MigrateResult>;
  /** Disconnects Prisma and closes the pool or the embedded database. */
  close(): Promise<void>;
}

const ROLE_NAMES: Record<DatabaseRole, string> = {
  'single-node': 'single-node Herald',
  worker: 'the worker',
  api: 'the API',
  digest: 'the digest scheduler',
};

export async function createDatabase(options: CreateDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return createPostgresDatabase(options.databaseUrl, options);
  if (options.role !== 'single-node') {
    throw new Error(
      `${ROLE_NAMES[options.role]} needs DATABASE_URL: PGlite is single-process, ` +
        'so only single-node Herald (`npm start`) can run on the embedded database',
    );
  }
  return createPGliteDatabase(options);
}

function createPostgresDatabase(connectionString: string, options: CreateDatabaseOptions): Database {
  const connectionTimeoutMillis = options.connectTimeoutMs ?? 10_000;
  // One pool for Prisma and plain SQL alike: a process holds poolSize connections, not twice that.
  // Idle connections are kept for a minute (pg's default is 10 s): reopening one under load costs
  // a backend start and re-preparing the hot statements, which shows as tail latency.
  const pool = new pg.Pool({ connectionString, max: options.poolSize ?? 10, connectionTimeoutMillis, idleTimeoutMillis: 60_000 });
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    sql: poolExecutor(pool, { namedStatements: options.preparedStatements, onWarning: options.onWarning }),
    kind: 'postgres',
    async migrate() {
      // A dedicated session: the advisory lock belongs to one connection, not to Prisma's pool.
      const client = new pg.Client({ connectionString, connectionTimeoutMillis });
      client.on('error', () => undefined);
      await client.connect();
      try {
        return await migrate(pgExecutor(client), options.migrations);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

async function createPGliteDatabase(options: CreateDatabaseOptions): Promise<Database> {
  const dir = path.join(options.dataDir, 'pglite');
  await fs.mkdir(dir, { recursive: true });
  // Required only here, so processes on PostgreSQL never load the embedded database's modules.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
  const { PrismaPGlite } = require('pglite-prisma-adapter') as typeof import('pglite-prisma-adapter');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const release = lockEmbeddedDatabase(dir);
  let pglite: Awaited<ReturnType<typeof PGlite.create>>;
  try {
    pglite = await PGlite.create(dir);
  } catch (error) {
    release();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    sql: pgliteExecutor(pglite),
    kind: 'pglite',
    migrate: () => migrate(pgliteExecutor(pglite), options.migrations),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      release();
    },
  };
}
