import { createHash, randomBytes } from 'node:crypto';
import { migrate, pgExecutor, readMigrationFiles } from '@herald/db';
import pg from 'pg';

export const DEFAULT_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Where tests create and drop their databases (a superuser or a role with CREATEDB). */
export function adminUrl(): string {
  return process.env.TEST_DATABASE_ADMIN_URL ?? DEFAULT_ADMIN_URL;
}

/** The same server and credentials as `base`, another database. */
export function databaseUrl(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>, url: string = adminUrl()): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const TEMPLATE_PREFIX = 'herald_test_template_';

/**
 * Named after the migrations it holds, so a changed or added migration gets a fresh template
 * while unchanged runs reuse the existing one without migrating anything.
 */
export async function templateDatabaseName(): Promise<string> {
  const hash = createHash('sha256');
  for (const migration of await readMigrationFiles()) hash.update(`${migration.name}:${migration.checksum}\n`);
  return `${TEMPLATE_PREFIX}${hash.digest('hex').slice(0, 12)}`;
}

function isDuplicateDatabase(error: unknown): boolean {
  return (error as { code?: string }).code === '42P04';
}

/**
 * Makes sure the migrated template database exists and returns its name. It is built under a
 * temporary name and renamed when complete, so concurrent test runs never clone a half-migrated
 * template, and it refuses connections afterwards, because PostgreSQL cannot clone a database
 * someone is connected to.
 */
export async function ensureTemplateDatabase(): Promise<string> {
  const name = await templateDatabaseName();
  return withAdminClient(async (admin) => {
    const existing = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount) return name;

    const building = `${name}_build_${randomBytes(3).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${quoteIdent(building)}`);
    try {
      await withAdminClient((client) => migrate(pgExecutor(client)), databaseUrl(adminUrl(), building));
      await admin.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`);
      await admin.query(`ALTER DATABASE ${quoteIdent(name)} ALLOW_CONNECTIONS false`);
    } catch (error) {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`).catch(() => undefined);
      // Another run finished the same template first: use theirs.
      if (!isDuplicateDatabase(error)) throw error;
    }
    return name;
  });
}
