import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate, MIGRATIONS_DIR, pgExecutor } from '@herald/db';
import { createEmptyTestDatabase, type TestDatabase } from '../../../test/support/database';

const migrationNames = fs
  .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

interface HistoryRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
  applied_steps_count: number;
}

let database: Omit<TestDatabase, 'prisma' | 'sql'>;
const clients: pg.Client[] = [];
const tempDirs: string[] = [];

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  clients.push(client);
  return client;
}

async function history(client: pg.Client): Promise<HistoryRow[]> {
  return (await client.query<HistoryRow>('SELECT * FROM "_prisma_migrations" ORDER BY "started_at"')).rows;
}

async function tableNames(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
  );
  return rows.map((row) => row.table_name);
}

/** A copy of prisma/migrations the test may change. */
function copyOfMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-migrations-'));
  tempDirs.push(dir);
  fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

beforeEach(async () => {
  database = await createEmptyTestDatabase();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)));
  await database.drop();
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

test('there is at least the initial migration', () => {
  expect(migrationNames.length).toBeGreaterThan(0);
  expect(migrationNames[0]).toMatch(/^\d{14}_init$/);
});

test('migrates an empty database and records each migration the way Prisma does', async () => {
  const client = await connect();
  const lines: string[] = [];

  const result = await migrate(pgExecutor(client), { log: (line) => lines.push(line) });

  expect(result.applied).toEqual(migrationNames);
  expect(result.alreadyApplied).toEqual([]);
  expect(await tableNames(client)).toEqual(
    expect.arrayContaining(['organizations', 'printers', 'webhooks', 'alerts', 'deliveries', 'delivery_attempts', 'digests', 'api_tokens']),
  );
  const rows = await history(client);
  expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
  for (const row of rows) {
    const file = fs.readFileSync(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
    expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
    expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.rolled_back_at).toBeNull();
    expect(row.applied_steps_count).toBe(1);
  }
  expect(lines.at(-1)).toBe(result.summary);
  expect(result.summary).toMatch(new RegExp(`^applied ${migrationNames.length} migrations? \\(${migrationNames.join(', ')}\\)`));
});

test('a second run applies nothing and says so', async () => {
  const client = await connect();
  await migrate(pgExecutor(client));
  const before = await history(client);

  const lines: string[] = [];
  const result = await migrate(pgExecutor(client), { log: (line) => lines.push(line) });

  expect(result.applied).toEqual([]);
  expect(result.alreadyApplied).toEqual(migrationNames);
  expect(result.summary).toMatch(/^database is up to date: no pending migrations/);
  expect(lines).toEqual([result.summary]);
  expect(await history(client)).toEqual(before);
});

test('refuses to run when an applied migration was edited, and changes nothing', async () => {
  const client = await connect();
  await migrate(pgExecutor(client));
  const dir = copyOfMigrations();
  const edited = migrationNames[0] as string;
  fs.appendFileSync(path.join(dir, edited, 'migration.sql'), '\nCREATE TABLE "sneaky" ("id" INTEGER);\n');
  fs.mkdirSync(path.join(dir, '99990101000000_later'));
  fs.writeFileSync(path.join(dir, '99990101000000_later', 'migration.sql'), 'CREATE TABLE "later" ("id" INTEGER);\n');

  await expect(migrate(pgExecutor(client), { migrationsDir: dir })).rejects.toThrow(
    new RegExp(`migration ${edited} was changed after it was applied`),
  );

  expect(await tableNames(client)).not.toContain('sneaky');
  expect(await tableNames(client)).not.toContain('later');
  expect((await history(client)).map((row) => row.migration_name)).toEqual(migrationNames);
});

test('applies a new migration after the applied ones, and reports it alone', async () => {
  const client = await connect();
  await migrate(pgExecutor(client));
  const dir = copyOfMigrations();
  fs.mkdirSync(path.join(dir, '99990101000000_later'));
  fs.writeFileSync(path.join(dir, '99990101000000_later', 'migration.sql'), 'CREATE TABLE "later" ("id" INTEGER);\n');

  const result = await migrate(pgExecutor(client), { migrationsDir: dir });

  expect(result.applied).toEqual(['99990101000000_later']);
  expect(result.alreadyApplied).toEqual(migrationNames);
  expect(await tableNames(client)).toContain('later');
});

test('a failing migration is rolled back as a whole and not recorded', async () => {
  const client = await connect();
  await migrate(pgExecutor(client));
  const dir = copyOfMigrations();
  fs.mkdirSync(path.join(dir, '99990101000000_broken'));
  fs.writeFileSync(
    path.join(dir, '99990101000000_broken', 'migration.sql'),
    'CREATE TABLE "half_done" ("id" INTEGER);\nALTER TABLE "no_such_table" ADD COLUMN "x" INTEGER;\n',
  );

  await expect(migrate(pgExecutor(client), { migrationsDir: dir })).rejects.toThrow(
    /migration 99990101000000_broken failed and was rolled back: relation "no_such_table" does not exist/,
  );

  expect(await tableNames(client)).not.toContain('half_done');
  expect((await history(client)).map((row) => row.migration_name)).toEqual(migrationNames);
});

test('three processes migrating at once apply each migration exactly once', async () => {
  const executors = await Promise.all([connect(), connect(), connect()]).then((all) => all.map(pgExecutor));

  const results = await Promise.all(executors.map((executor) => migrate(executor)));

  const appliers = results.filter((result) => result.applied.length > 0);
  expect(appliers).toHaveLength(1);
  expect(appliers[0]?.applied).toEqual(migrationNames);
  for (const result of results.filter((r) => r.applied.length === 0)) {
    expect(result.alreadyApplied).toEqual(migrationNames);
  }
  const rows = await history(clients[0] as pg.Client);
  expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
});

test('waits for the migration lock only as long as allowed', async () => {
  const holder = await connect();
  await holder.query('SELECT pg_advisory_lock(72707369)');
  const client = await connect();

  await expect(migrate(pgExecutor(client), { lockTimeoutMs: 300 })).rejects.toThrow(
    /timed out after 300 ms waiting for the migration lock/,
  );
  expect(await tableNames(client)).toEqual([]);
});
