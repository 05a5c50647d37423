import type { AlertRecord, AlertRouter, NormalizedAlertInput, RoutePlan } from '@herald/core';
import { type SqlSession, uuidv7 } from '@herald/db';
import { AlertRejectedError } from './ingest-errors';
import type { IngestSource } from './ingest-source';

export interface SavedAlertRef {
  id: string;
  /** False when the dedupe key matched an alert saved earlier: nothing new was created. */
  created: boolean;
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
 * One statement for a routed batch: the alerts with their final status (an organization check
 * first: a printer whose organization is not the one routing assumed makes it insert nothing),
 * then the deliveries of the alerts actually inserted (a dedupe key already taken inserts
 * neither). Answers whether the check passed and the created deliveries as [id, webhook id, alert id].
 */
const INSERT_ROUTED_ALERTS_SQL = `
  WITH n AS (
    SELECT n.*, p.name AS registered_name, p.org_id AS registered_org_id
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::int[],
                $9::timestamptz[], $10::jsonb[], $11::text[], $12::text[], $13::text[], $14::text[])
      AS n(id, type, severity, title, message, printer_id, printer_name, org_id, occurred_at, data, dedupe_key,
           status, status_reason, quiet_scope)
    LEFT JOIN printers p ON p.id = n.printer_id
  ),
  checked AS (SELECT NOT EXISTS (SELECT 1 FROM n WHERE registered_org_id IS DISTINCT FROM org_id) AS consistent),
  inserted AS (
    INSERT INTO alerts (id, type, severity, title, message, printer_id, printer_name, org_id, occurred_at, data, dedupe_key,
                        received_at, source, status, status_reason, quiet_scope, dispatched_at)
    SELECT n.id, n.type, n.severity::"Severity", n.title, n.message, n.printer_id, COALESCE(n.printer_name, n.registered_name),
           n.org_id, n.occurred_at, n.data, n.dedupe_key, $15::timestamptz, $16::text, n.status::"AlertStatus", n.status_reason,
           n.quiet_scope, CASE WHEN n.status = 'suppressed' THEN NULL ELSE $15::timestamptz END
    FROM n, checked WHERE checked.consistent
    ON CONFLICT DO NOTHING
    RETURNING id
  ),
  created AS (
    INSERT INTO deliveries (id, kind, alert_id, webhook_id, status, updated_at)
    SELECT d.id, 'alert', d.alert_id, d.webhook_id, 'pending', now()
    FROM unnest($17::uuid[], $18::uuid[], $19::uuid[]) AS d(id, alert_id, webhook_id)
    WHERE d.alert_id IN (SELECT id FROM inserted)
    RETURNING id, webhook_id, alert_id
  )
  SELECT checked.consistent, (SELECT json_agg(json_build_array(id, webhook_id, alert_id)) FROM created) AS deliveries FROM checked`;

/**
 * Saves validated alerts in one insert. The alert's organization is its printer's at ingest time;
 * an unknown printer has none.
 */
export async function saveAlerts(
  sql: SqlSession,
  inputs: NormalizedAlertInput[],
  source: IngestSource,
  nowMs: number,
): Promise<SavedAlertRef[]> {
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
  const { refs, rows, newIdByKey } = newAlertRows(inputs, existingByKey, nowMs, (printerId) => printerById.get(printerId));
  if (rows.length === 0) return refs;

  await sql.query(INSERT_ALERTS_SQL, [
    ...alertColumns(
      rows,
      rows.map((row) => row.orgId),
    ),
    new Date(nowMs),
    source.id,
  ]);
  return newIdByKey.size === 0 ? refs : settleDedupeRaces(sql, inputs, source, refs);
}

/** What a routed save did: a ref per input, and the deliveries it created (each needs its job). */
export interface RoutedAlerts {
  refs: SavedAlertRef[];
  deliveries: { id: string; webhookId: string; alertId: string }[];
}

/**
 * Saves new alerts already routed, with their deliveries, in one statement: the API's path. The
 * route comes from the router's cache, so the statement checks every printer's organization
 * against the one routing assumed and, when any differs, saves nothing: then the cache is
 * refreshed and this answers null (the caller takes the careful path, `saveAlerts`).
 */
export async function saveRoutedAlerts(
  sql: SqlSession,
  inputs: NormalizedAlertInput[],
  source: IngestSource,
  nowMs: number,
  router: AlertRouter,
): Promise<RoutedAlerts | null> {
  const existingByKey = await findExistingByDedupeKey(sql, inputs, source);
  const { refs, rows, newIdByKey } = newAlertRows(inputs, existingByKey, nowMs, () => undefined);
  if (rows.length === 0) return { refs, deliveries: [] };
  const routes = await router.route(rows);
  // An organization-bound token may post only for its printers: the careful path says which are not.
  if (source.orgId !== null && routes.some((route) => route.orgId !== source.orgId)) return null;

  const deliveryRows = rows.flatMap((row, index) => {
    const plan = routes[index]?.plan;
    return plan?.action === 'dispatch' ? plan.webhookIds.map((webhookId) => ({ id: uuidv7(nowMs), alertId: row.id, webhookId })) : [];
  });
  const plans = routes.map((route) => route.plan);
  const [outcome] = await sql.query<{ consistent: boolean; deliveries: [string, string, string][] | null }>(INSERT_ROUTED_ALERTS_SQL, [
    ...alertColumns(
      rows,
      routes.map((route) => route.orgId),
    ),
    plans.map(alertStatusOf),
    plans.map((plan) => (plan.action === 'suppress' ? plan.reason : null)),
    plans.map((plan) => (plan.action === 'suppress' ? plan.scope : null)),
    new Date(nowMs),
    source.id,
    deliveryRows.map((d) => d.id),
    deliveryRows.map((d) => d.alertId),
    deliveryRows.map((d) => d.webhookId),
  ]);
  if (!outcome?.consistent) {
    router.refresh();
    return null;
  }
  const deliveries = (outcome.deliveries ?? []).map(([id, webhookId, alertId]) => ({ id, webhookId, alertId }));
  return { refs: newIdByKey.size === 0 ? refs : await settleDedupeRaces(sql, inputs, source, refs), deliveries };
}

function alertStatusOf(plan: RoutePlan): 'dispatched' | 'suppressed' | 'no_targets' {
  if (plan.action === 'dispatch') return 'dispatched';
  return plan.action === 'suppress' ? 'suppressed' : 'no_targets';
}

/**
 * The rows to insert for inputs not already saved under their dedupe key (an earlier request's,
 * or an earlier item's of this batch), and a ref per input.
 */
function newAlertRows(
  inputs: NormalizedAlertInput[],
  existingByKey: Map<string, string>,
  nowMs: number,
  printerOf: (printerId: number) => { orgId: number | null; name: string } | undefined,
): { refs: SavedAlertRef[]; rows: AlertRow[]; newIdByKey: Map<string, string> } {
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
    const printer = printerOf(input.printerId);
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
  return { refs, rows, newIdByKey };
}

/** The alert columns both inserts unnest, as parameters $1–$11 (the organization given apart). */
function alertColumns(rows: AlertRow[], orgIds: (number | null)[]): unknown[] {
  const col = <K extends keyof AlertRow>(key: K) => rows.map((row) => row[key]);
  return [
    col('id'),
    col('type'),
    col('severity'),
    col('title'),
    col('message'),
    col('printerId'),
    col('printerName'),
    orgIds,
    col('occurredAt'),
    col('data'),
    col('dedupeKey'),
  ];
}

/** A concurrent request may have won a dedupe key between our read and insert: answer with its id. */
async function settleDedupeRaces(
  sql: SqlSession,
  inputs: NormalizedAlertInput[],
  source: IngestSource,
  refs: SavedAlertRef[],
): Promise<SavedAlertRef[]> {
  const winners = await findExistingByDedupeKey(sql, inputs, source);
  return refs.map((ref, index) => {
    const key = inputs[index]?.dedupeKey;
    const winner = key ? winners.get(key) : undefined;
    return winner !== undefined && winner !== ref.id ? { id: winner, created: false } : ref;
  });
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
