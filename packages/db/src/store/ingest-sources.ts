import type { IngestSource, IngestSourceKind, PrismaClient } from '../generated/prisma/client';
import type { SqlSession } from '../sql-executor';

/** What an ingest request needs of its source, looked up by the key's hash on every request. */
export interface ActiveIngestSource {
  id: string;
  kind: IngestSourceKind;
  orgId: number | null;
  defaultPrinterId: number | null;
  keyLast4: string;
}

export interface NewIngestSource {
  name: string;
  kind: IngestSourceKind;
  orgId: number | null;
  defaultPrinterId: number | null;
  keyHash: string;
  keyLast4: string;
}

export function createIngestSource(prisma: PrismaClient, input: NewIngestSource): Promise<IngestSource> {
  return prisma.ingestSource.create({ data: input });
}

/** Every source (of one organization when `orgId` is given), oldest first, revoked ones included. */
export function listIngestSources(prisma: PrismaClient, filter: { orgId?: number } = {}): Promise<IngestSource[]> {
  return prisma.ingestSource.findMany({
    where: filter.orgId === undefined ? {} : { orgId: filter.orgId },
    orderBy: { createdAt: 'asc' },
  });
}

export function findIngestSource(prisma: PrismaClient, id: string): Promise<IngestSource | null> {
  return prisma.ingestSource.findUnique({ where: { id } });
}

/** Revokes a source (its URL answers 401 from the next request on); revoking twice keeps the first time. */
export async function revokeIngestSource(prisma: PrismaClient, id: string, at: Date): Promise<void> {
  await prisma.ingestSource.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
}

const ACTIVE_SOURCE_SQL = `
  SELECT id, kind::text AS kind, org_id AS "orgId", default_printer_id AS "defaultPrinterId", key_last4 AS "keyLast4"
  FROM ingest_sources WHERE key_hash = $1 AND revoked_at IS NULL`;

/** The source a key stands for, unless it is unknown or revoked: plain SQL, as this runs on every ingest request. */
export async function findActiveIngestSource(sql: SqlSession, keyHash: string): Promise<ActiveIngestSource | null> {
  const [row] = await sql.query<ActiveIngestSource>(ACTIVE_SOURCE_SQL, [keyHash]);
  return row ?? null;
}

/** Counts gathered in memory for one source since the last write. */
export interface IngestSourceUsage {
  sourceId: string;
  accepted: number;
  rejected: number;
  lastUsedAt: Date;
  lastTestAt: Date | null;
}

const RECORD_USAGE_SQL = `
  UPDATE ingest_sources s
  SET accepted_count = s.accepted_count + u.accepted, rejected_count = s.rejected_count + u.rejected,
      -- GREATEST ignores NULLs: a first use or test sets the time, a later one moves it on.
      last_used_at = GREATEST(s.last_used_at, u.last_used_at), last_test_at = GREATEST(s.last_test_at, u.last_test_at)
  FROM unnest($1::uuid[], $2::int[], $3::int[], $4::timestamptz[], $5::timestamptz[]) AS u(id, accepted, rejected, last_used_at, last_test_at)
  WHERE s.id = u.id`;

/** Adds the gathered counts of several sources in one statement. */
export async function recordIngestSourceUsage(sql: SqlSession, usage: IngestSourceUsage[]): Promise<void> {
  if (usage.length === 0) return;
  await sql.query(RECORD_USAGE_SQL, [
    usage.map((u) => u.sourceId),
    usage.map((u) => u.accepted),
    usage.map((u) => u.rejected),
    usage.map((u) => u.lastUsedAt),
    usage.map((u) => u.lastTestAt),
  ]);
}
