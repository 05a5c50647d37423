import type { SqlSession } from '../sql-executor';

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
