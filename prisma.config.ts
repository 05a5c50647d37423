import { defineConfig } from 'prisma/config';

// The CLI is only used for `prisma generate` here. Migrations are written by `npm run db:diff`
// (Prisma's schema engine, Wasm build) and applied by packages/db's migrator (`npm run db:migrate`);
// both keep Prisma's layout and `_prisma_migrations` table, so `prisma migrate deploy/status` agree
// wherever the native schema engine is available (see README, "Migrations").
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});
