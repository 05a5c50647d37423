import type { AlertRecord, NormalizedAlertInput } from '@herald/core';
import { type SqlSession, uuidv7 } from '@herald/db';
import { AlertRejectedError } from './ingest-errors';
import type { IngestSource } from './ingest-source';

export interface SavedAlertRef {
  id: string;
  /** False when the dedupe key matched an alert saved earlier: nothing new was created. */
  created: boolean;
}

/** What one save did: a ref per input (in input order), and the alerts it newly created. */
export interface SavedAlerts {
  refs: SavedAlertRef[];
  created: AlertRecord[];
}

interface AlertRow extends AlertRecord {
  /** JSON text, or null. */
  data: string | null;
  dedupeKey: string | null;
}

/** One statement for a whole batch, arrays unnested server-side; a dedupe key already taken inserts nothing. */
const INSERT_ALERTS_SQL = `
  INSERT INTO alerts (id, type, severity, title, message, printer_id, printer_name, org_id, occurred_at, data, dedupe_key,
                      received_at, source, status)
  SELECT n.id, n.type, n.severity::"Severity", n.title, n.message, n.printer_id, n.printer_name, n.org_id, n.occurred_at, n.data,
         n.dedupe_key, $12::timestamptz, $13::text, 'queued'::"AlertStatus"
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::int[],
              $9::timestamptz[], $10::jsonb[], $11::text[])
    AS n(id, type, severity, title, message, printer_id, printer_name, org_id, occurred_at, data, dedupe_key)
  ON CONFLICT DO NOTHING`;

/**
 * Saves validated alerts in one insert. The alert's organization is its printer's at ingest time;
 * an unknown printer has none.
 */
export async function saveAlerts(
  sql: SqlSession,
  inputs: NormalizedAlertInput[],
  source: IngestSource,
  nowMs: number,
): Promise<SavedAlerts> {
  const printerIds = [...new Set(inputs.map((input) => input.printerId))];
  const printers = await sql.query<{ id: number; orgId: number | null; name: string }>(
    'SELECT id, org_id AS "orgId", name FROM printers WHERE id = ANY($1::int[])',
    [printerIds],
  );
  const printerById = new Map(printers.map((printer) => [printer.id, printer]));

  if (source.orgId !== null) {
    const foreign = inputs
      .map((input, index) => ({ input, index }))
      .filter(({ input }) => printerById.get(input.printerId)?.orgId !== source.orgId);
    if (foreign.length > 0) {
      throw new AlertRejectedError(
        403,
        foreign.map(({ index }) => ({
          field: inputs.length > 1 ? `alerts.${index}.printer_id` : 'printer_id',
          message: "is not a printer of this token's organization",
        })),
      );
    }
  }

  const existingByKey = await findExistingByDedupeKey(sql, inputs, source);
  const refs: SavedAlertRef[] = [];
  const rows: AlertRow[] = [];
  const newIdByKey = new Map<string, string>();
  for (const input of inputs) {
    const key = input.dedupeKey;
    const earlier = key === null ? undefined : (existingByKey.get(key) ?? newIdByKey.get(key));
    if (earlier !== undefined) {
      refs.push({ id: earlier, created: false });
      continue;
    }
    const id = uuidv7(nowMs);
    if (key !== null) newIdByKey.set(key, id);
    const printer = printerById.get(input.printerId);
    refs.push({ id, created: true });
    rows.push({
      id,
      type: input.type,
      severity: input.severity,
      title: input.title,
      message: input.message,
      printerId: input.printerId,
      printerName: input.printerName ?? printer?.name ?? null,
      orgId: printer?.orgId ?? null,
      occurredAt: new Date(input.occurredAtMs),
      data: input.data === undefined || input.data === null ? null : JSON.stringify(input.data),
      dedupeKey: key,
    });
  }
  if (rows.length === 0) return { refs, created: [] };

  const col = <K extends keyof AlertRow>(key: K) => rows.map((row) => row[key]);
  await sql.query(INSERT_ALERTS_SQL, [
    col('id'),
    col('type'),
    col('severity'),
    col('title'),
    col('message'),
    col('printerId'),
    col('printerName'),
    col('orgId'),
    col('occurredAt'),
    col('data'),
    col('dedupeKey'),
    new Date(nowMs),
    source.id,
  ]);
  if (newIdByKey.size === 0) return { refs, created: rows };

  // A concurrent request may have won a dedupe key between our read and insert: answer with its id.
  const winners = await findExistingByDedupeKey(sql, inputs, source);
  const settledRefs = refs.map((ref, index) => {
    const key = inputs[index]?.dedupeKey;
    const winner = key ? winners.get(key) : undefined;
    return winner !== undefined && winner !== ref.id ? { id: winner, created: false } : ref;
  });
  const createdIds = new Set(settledRefs.filter((ref) => ref.created).map((ref) => ref.id));
  return { refs: settledRefs, created: rows.filter((row) => createdIds.has(row.id)) };
}

async function findExistingByDedupeKey(
  sql: SqlSession,
  inputs: NormalizedAlertInput[],
  source: IngestSource,
): Promise<Map<string, string>> {
  const keys = [...new Set(inputs.flatMap((input) => (input.dedupeKey === null ? [] : [input.dedupeKey])))];
  if (keys.length === 0) return new Map();
  const existing = await sql.query<{ id: string; dedupeKey: string }>(
    'SELECT id, dedupe_key AS "dedupeKey" FROM alerts WHERE source = $1 AND dedupe_key = ANY($2::text[])',
    [source.id, keys],
  );
  return new Map(existing.map((row) => [row.dedupeKey, row.id]));
}
