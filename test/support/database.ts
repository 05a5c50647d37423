import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { createDatabase, type PrismaClient, type SqlExecutor } from '@herald/db';
import { adminUrl, databaseUrl, ensureTemplateDatabase, quoteIdent, withAdminClient } from './template-database';

/** A freshly migrated PostgreSQL database of its own, for one test file. */
export interface TestDatabase {
  /** postgresql:// URL of the new database (give it to Herald as DATABASE_URL). */
  url: string;
  /** Database name, herald_test_<time>_<random>. */
  name: string;
  prisma: PrismaClient;
  /** Plain SQL on the same pool. */
  sql: SqlExecutor;
  /** Disconnects `prisma` and drops the database, closing anything still connected to it. */
  drop(): Promise<void>;
}

export const TEST_DATABASE_PREFIX = 'herald_test_';

let template: Promise<string> | undefined;

function newDatabaseName(): string {
  return `${TEST_DATABASE_PREFIX}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** WITH (FORCE) ends sessions a test left open, which would otherwise make DROP DATABASE fail. */
async function dropDatabase(name: string): Promise<void> {
  await withAdminClient((admin) => admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

/** Clones the migrated template (built once per run by global-setup): a few milliseconds, no migrating. */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  template ??= ensureTemplateDatabase();
  const templateName = await template;
  const name = newDatabaseName();
  await withAdminClient((admin) => admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(templateName)}`));

  const url = databaseUrl(adminUrl(), name);
  const database = await createDatabase({ databaseUrl: url, dataDir: os.tmpdir(), role: 'api', poolSize: options.poolSize ?? 5 });
  let dropped = false;
  return {
    url,
    name,
    prisma: database.prisma,
    sql: database.sql,
    async drop() {
      if (dropped) return;
      dropped = true;
      await database.close();
      await dropDatabase(name);
    },
  };
}

/** An empty database (no tables, no migration history), for tests of migrating itself. */
export async function createEmptyTestDatabase(): Promise<Omit<TestDatabase, 'prisma' | 'sql'>> {
  const name = newDatabaseName();
  await withAdminClient((admin) => admin.query(`CREATE DATABASE ${quoteIdent(name)}`));
  return {
    url: databaseUrl(adminUrl(), name),
    name,
    drop: () => dropDatabase(name),
  };
}
