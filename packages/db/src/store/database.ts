import type { PrismaClient } from '../generated/prisma/client';
import type { SqlSession } from '../sql-executor';

/** Answers when the database does; throws when it is unreachable. */
export async function pingDatabase(sql: SqlSession): Promise<void> {
  await sql.query('SELECT 1');
}

/** `pingDatabase` through the Prisma client (processes that hold only that, such as the API's routes). */
export async function pingDatabaseClient(prisma: PrismaClient): Promise<void> {
  await prisma.$queryRaw`SELECT 1`;
}
