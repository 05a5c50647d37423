import type { PrismaClient } from '../generated/prisma/client';
import type { SqlSession } from '../sql-executor';

/** The organizations and printers tables. */

/** Registered printers among these ids: their organization and name. */
export async function findPrinters(
  sql: SqlSession,
  printerIds: readonly number[],
): Promise<{ id: number; orgId: number | null; name: string }[]> {
  return sql.query<{ id: number; orgId: number | null; name: string }>(
    'SELECT id, org_id AS "orgId", name FROM printers WHERE id = ANY($1::int[])',
    [printerIds],
  );
}

export async function findOrganization(prisma: PrismaClient, orgId: number) {
  return prisma.organization.findUnique({ where: { id: orgId } });
}

/** Every organization (onlyId null) or just that one, by id. */
export async function listOrganizations(prisma: PrismaClient, onlyId: number | null) {
  return prisma.organization.findMany({ where: onlyId === null ? {} : { id: onlyId }, orderBy: { id: 'asc' } });
}

export async function insertOrganization(
  prisma: PrismaClient,
  data: { name: string; enterprise: boolean; allowedPrivateTargets?: string[] },
) {
  return prisma.organization.create({ data });
}

export async function updateOrganization(
  prisma: PrismaClient,
  orgId: number,
  data: { name?: string; enterprise?: boolean; allowedPrivateTargets?: string[] },
) {
  return prisma.organization.update({ where: { id: orgId }, data });
}

/** The organization's own private-target allow-list; empty when it has none or does not exist. */
export async function findOrgPrivateTargets(prisma: PrismaClient, orgId: number): Promise<string[]> {
  const org = await prisma.organization.findUnique({ where: { id: orgId }, select: { allowedPrivateTargets: true } });
  return org?.allowedPrivateTargets ?? [];
}

/** Every printer (orgId undefined) or an organization's, by id. */
export async function listPrinters(prisma: PrismaClient, orgId?: number) {
  return prisma.printer.findMany({ where: orgId === undefined ? {} : { orgId }, orderBy: { id: 'asc' } });
}

export async function findPrinter(prisma: PrismaClient, printerId: number) {
  return prisma.printer.findUnique({ where: { id: printerId } });
}

/** Registers the printer, or renames or moves it. */
export async function savePrinter(prisma: PrismaClient, printer: { id: number; name: string; orgId: number | null }) {
  return prisma.printer.upsert({
    where: { id: printer.id },
    create: printer,
    update: { name: printer.name, orgId: printer.orgId },
  });
}

const REGISTER_PRINTERS_SQL = `
  INSERT INTO printers (id, name, org_id, created_at, updated_at)
  SELECT p.id, p.name, NULL, now(), now() FROM unnest($1::int[], $2::text[]) AS p(id, name)
  ON CONFLICT (id) DO NOTHING
  RETURNING id`;

/**
 * Registers printers not known yet, without an organization (an operator assigns them later);
 * known printers are left as they are. Answers the ids it registered.
 */
export async function registerUnknownPrinters(sql: SqlSession, printers: { id: number; name: string }[]): Promise<number[]> {
  if (printers.length === 0) return [];
  const rows = await sql.query<{ id: number }>(REGISTER_PRINTERS_SQL, [printers.map((p) => p.id), printers.map((p) => p.name)]);
  return rows.map((row) => row.id);
}
