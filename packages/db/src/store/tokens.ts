import type { PrismaClient, TokenRole } from '../generated/prisma/client';

// Sessions: a browser's login, found by the SHA-256 of its cookie (the cookie value is never stored).

export interface NewSession {
  hash: string;
  /** The stored API token it was opened with; null for HERALD_ADMIN_TOKEN. */
  tokenId: string | null;
  /** For HERALD_ADMIN_TOKEN: a fingerprint of the variable's value when the session was opened. */
  configTokenHash: string | null;
  role: TokenRole;
  orgId: number | null;
  tokenName: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface StoredSession {
  id: string;
  tokenId: string | null;
  configTokenHash: string | null;
  role: TokenRole;
  orgId: number | null;
  tokenName: string;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  /** When the API token it was opened with was revoked (null while it is valid, and for HERALD_ADMIN_TOKEN). */
  tokenRevokedAt: Date | null;
}

export async function createSession(prisma: PrismaClient, session: NewSession): Promise<void> {
  await prisma.session.create({ data: { ...session, lastSeenAt: session.createdAt } });
}

export async function findSessionByHash(prisma: PrismaClient, hash: string): Promise<StoredSession | null> {
  const row = await prisma.session.findUnique({ where: { hash }, include: { token: { select: { revokedAt: true } } } });
  if (!row) return null;
  const { token, hash: _hash, createdAt: _createdAt, ...session } = row;
  return { ...session, tokenRevokedAt: token?.revokedAt ?? null };
}

export async function touchSession(prisma: PrismaClient, id: string, at: Date): Promise<void> {
  await prisma.session.update({ where: { id }, data: { lastSeenAt: at } });
}

/** Ends the session with this hash; false when there is no such live session. */
export async function revokeSessionByHash(prisma: PrismaClient, hash: string, at: Date): Promise<boolean> {
  const { count } = await prisma.session.updateMany({ where: { hash, revokedAt: null }, data: { revokedAt: at } });
  return count > 0;
}

/** Deletes sessions that can no longer be used: revoked, past their absolute expiry, or idle since `idleBefore`. */
export async function deleteEndedSessions(prisma: PrismaClient, now: Date, idleBefore: Date): Promise<number> {
  const { count } = await prisma.session.deleteMany({
    where: { OR: [{ revokedAt: { not: null } }, { expiresAt: { lte: now } }, { lastSeenAt: { lt: idleBefore } }] },
  });
  return count;
}

/** API tokens (only their hashes) and sessions. */

export async function insertApiToken(
  prisma: PrismaClient,
  token: { name: string; role: TokenRole; orgId?: number | null; hash: string; prefix: string },
) {
  return prisma.apiToken.create({ data: token });
}

export async function findApiTokenByHash(prisma: PrismaClient, hash: string) {
  return prisma.apiToken.findUnique({ where: { hash } });
}

export async function findApiToken(prisma: PrismaClient, tokenId: string) {
  return prisma.apiToken.findUnique({ where: { id: tokenId } });
}

/** Oldest first. */
export async function listApiTokens(prisma: PrismaClient) {
  return prisma.apiToken.findMany({ orderBy: { createdAt: 'asc' } });
}

export async function noteApiTokenUse(prisma: PrismaClient, tokenId: string, at: Date): Promise<void> {
  await prisma.apiToken.update({ where: { id: tokenId }, data: { lastUsedAt: at } });
}

export async function revokeApiToken(prisma: PrismaClient, tokenId: string, at: Date): Promise<void> {
  await prisma.apiToken.update({ where: { id: tokenId }, data: { revokedAt: at } });
}
