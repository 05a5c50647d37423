import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readMigrationFiles } from '@herald/db';
import { checksumMatches, migrationChecksum } from '../src/migration-files';

const tempDirs: string[] = [];

afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function migrationsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-migration-files-'));
  tempDirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

test('reads migration directories in name order, each with the SHA-256 of its migration.sql', async () => {
  const dir = migrationsDir({
    'migration_lock.toml': 'provider = "postgresql"\n',
    '20260202000000_second/migration.sql': 'SELECT 2;\n',
    '20260101000000_first/migration.sql': 'SELECT 1;\n',
  });

  const migrations = await readMigrationFiles(dir);

  expect(migrations.map((m) => m.name)).toEqual(['20260101000000_first', '20260202000000_second']);
  expect(migrations[0]?.checksum).toBe(createHash('sha256').update('SELECT 1;\n').digest('hex'));
});

test('a migration directory without migration.sql is an error that names it', async () => {
  const dir = migrationsDir({ '20260101000000_first/notes.txt': 'oops' });

  await expect(readMigrationFiles(dir)).rejects.toThrow(/migration directory 20260101000000_first has no migration.sql/);
});

test('a checkout with CRLF line endings still matches the checksum recorded from LF, as in Prisma', () => {
  const recorded = migrationChecksum('CREATE TABLE "a" ("id" INTEGER);\nSELECT 1;\n');
  const crlf = 'CREATE TABLE "a" ("id" INTEGER);\r\nSELECT 1;\r\n';

  expect(checksumMatches({ name: 'm', sql: crlf, checksum: migrationChecksum(crlf) }, recorded)).toBe(true);
  expect(checksumMatches({ name: 'm', sql: 'SELECT 2;\n', checksum: migrationChecksum('SELECT 2;\n') }, recorded)).toBe(false);
});
