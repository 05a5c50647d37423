import type { AlertSummary } from '@herald/core';
import type { SqlSession } from '../sql-executor';

const SUMMARIES_SQL = `
  SELECT id, type, severity::text AS severity, title, printer_id, printer_name, org_id, status::text AS status, status_reason,
         (extract(epoch FROM occurred_at))::float8 AS timestamp,
         to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS received_at
  FROM alerts WHERE id = ANY($1::uuid[]) ORDER BY id`;

/** The feed's columns of the given alerts, as saved (routing decided). */
export async function readAlertSummaries(sql: SqlSession, ids: readonly string[]): Promise<AlertSummary[]> {
  if (ids.length === 0) return [];
  return sql.query<AlertSummary>(SUMMARIES_SQL, [ids]);
}
