import type { PrismaClient } from '../generated/prisma/client';
import type { SqlSession } from '../sql-executor';

/** The digests table: claims of quiet windows, exactly once across digest processes. */

/** What a claim records of its scope: the time zone is the one the digest is shown in. */
export interface DigestClaimScope {
  scopeKey: string;
  orgId: number | null;
  timezone: string;
}

export interface ClaimedDigest {
  id: string;
  scopeKey: string;
  orgId: number | null;
  windowStartMs: number;
  windowEndMs: number;
  timezone: string;
}

/**
 * Claims (scope, window) for this process. The unique constraint on the digests table is what
 * makes a digest exactly-once across any number of digest processes: only one insert wins.
 */
export async function claimDigestWindow(
  prisma: PrismaClient,
  scope: DigestClaimScope,
  window: { startMs: number; endMs: number },
  processId: string,
  nowMs: number,
): Promise<ClaimedDigest | null> {
  const result = await prisma.digest.createMany({
    data: [
      {
        scope: scope.orgId === null ? 'system' : 'organization',
        scopeKey: scope.scopeKey,
        orgId: scope.orgId,
        windowStart: new Date(window.startMs),
        windowEnd: new Date(window.endMs),
        timezone: scope.timezone,
        claimedBy: processId,
        claimedAt: new Date(nowMs),
      },
    ],
    skipDuplicates: true,
  });
  if (result.count === 0) return null;
  const row = await prisma.digest.findUniqueOrThrow({
    where: {
      scopeKey_windowStart_windowEnd: {
        scopeKey: scope.scopeKey,
        windowStart: new Date(window.startMs),
        windowEnd: new Date(window.endMs),
      },
    },
  });
  return toClaimed(row);
}

/** Whether the digest of this (scope, window) has been claimed (then its late alerts go out now). */
export async function isWindowClaimed(sql: SqlSession, scopeKey: string, window: { startMs: number; endMs: number }): Promise<boolean> {
  const rows = await sql.query('SELECT 1 FROM digests WHERE scope_key = $1 AND window_start = $2 AND window_end = $3', [
    scopeKey,
    new Date(window.startMs),
    new Date(window.endMs),
  ]);
  return rows.length > 0;
}

/** Scopes with a digest claimed but not dispatched yet (in progress here or elsewhere, or waiting for takeover). */
export async function scopesWithOpenClaims(prisma: PrismaClient): Promise<Set<string>> {
  const rows = await prisma.digest.findMany({ where: { status: 'claimed' }, select: { scopeKey: true }, distinct: ['scopeKey'] });
  return new Set(rows.map((row) => row.scopeKey));
}

/** Takes over digests whose claimer stopped before dispatching them (crashed or killed). */
export async function reclaimStaleDigests(
  prisma: PrismaClient,
  processId: string,
  nowMs: number,
  staleAfterMs: number,
): Promise<ClaimedDigest[]> {
  const stale = await prisma.digest.findMany({
    where: { status: 'claimed', claimedAt: { lt: new Date(nowMs - staleAfterMs) } },
    take: 50,
  });
  const taken: ClaimedDigest[] = [];
  for (const row of stale) {
    // Conditional on the old claim, so two processes cannot both take it over.
    const { count } = await prisma.digest.updateMany({
      where: { id: row.id, status: 'claimed', claimedBy: row.claimedBy, claimedAt: row.claimedAt },
      data: { claimedBy: processId, claimedAt: new Date(nowMs) },
    });
    if (count === 1) taken.push(toClaimed(row));
  }
  return taken;
}

/** The time zone of the scope's latest digest, or null when it never had one. */
export async function lastDigestTimezone(prisma: PrismaClient, scopeKey: string): Promise<string | null> {
  const latest = await prisma.digest.findFirst({ where: { scopeKey }, orderBy: { windowEnd: 'desc' }, select: { timezone: true } });
  return latest?.timezone ?? null;
}

/** Records a digest as sent (or empty: no webhook to send it to). */
export async function markDigestDispatched(
  prisma: PrismaClient,
  digestId: string,
  outcome: { empty: boolean; alertCount: number; nowMs: number },
): Promise<void> {
  await prisma.digest.update({
    where: { id: digestId },
    data: { status: outcome.empty ? 'empty' : 'dispatched', alertCount: outcome.alertCount, dispatchedAt: new Date(outcome.nowMs) },
  });
}

/** Dispatched digests by scope ('system' or 'organization'). */
export async function countDispatchedDigestsByScope(prisma: PrismaClient): Promise<{ scope: string; count: number }[]> {
  const rows = await prisma.digest.groupBy({ by: ['scope'], where: { status: 'dispatched' }, _count: { _all: true } });
  return rows.map((row) => ({ scope: row.scope, count: row._count._all }));
}

function toClaimed(row: {
  id: string;
  scopeKey: string;
  orgId: number | null;
  windowStart: Date;
  windowEnd: Date;
  timezone: string;
}): ClaimedDigest {
  return {
    id: row.id,
    scopeKey: row.scopeKey,
    orgId: row.orgId,
    windowStartMs: row.windowStart.getTime(),
    windowEndMs: row.windowEnd.getTime(),
    timezone: row.timezone,
  };
}
