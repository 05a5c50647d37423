import { prismaMigrationStatus } from '../schema-engine/migration-status';

/**
 * `npx tsx packages/db/src/cli/migration-status.ts`: what Prisma's migration engine (the code behind
 * `prisma migrate status/deploy`) makes of the DATABASE_URL database's history. Prints one JSON line;
 * exits 0 when up to date, 2 when not.
 */
async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const status = await prismaMigrationStatus(url);
  process.stdout.write(`${JSON.stringify(status)}\n`);
  return status.upToDate ? 0 : 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`migration status failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
