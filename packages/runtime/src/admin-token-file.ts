import fs from 'node:fs';
import path from 'node:path';
import { generateApiToken } from '@herald/crypto';
import { insertApiToken, type PrismaClient } from '@herald/db';

/**
 * Single-node first start: with no HERALD_ADMIN_TOKEN, create one admin token, keep only its
 * hash in the database and write the secret to a file only the owner can read. Never printed.
 */
export async function ensureAdminTokenFile(prisma: PrismaClient, dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'admin-token');
  if (fs.existsSync(file)) return file;
  const token = generateApiToken();
  await insertApiToken(prisma, { name: 'single-node admin', role: 'admin', hash: token.hash, prefix: token.prefix });
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${token.secret}\n`, { mode: 0o600 });
  return file;
}
