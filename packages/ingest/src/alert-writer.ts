import type { AlertRouter, NormalizedAlertInput } from '@herald/core';
import {
  findAlertIdsByDedupeKey,
  findPrinters,
  insertAlerts,
  insertRoutedAlerts,
  type NewAlertRow,
  type SqlSession,
  uuidv7,
} from '@herald/db';
import { AlertRejectedError } from './ingest-errors';
import type { IngestSource } from './ingest-source';

export interface SavedAlertRef {
  id: string;
  /** False when the dedupe key matched an alert saved earlier: nothing new was created. */
  created: boolean;
}

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
  const printers = await findPrinters(sql, printerIds);
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

  await insertAlerts(
    sql,
    rows,
    rows.map((row) => row.orgId),
    new Date(nowMs),
    source.id,
  );
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
  const outcome = await insertRoutedAlerts(sql, {
    newAlerts: rows.map((row, index) => ({
      row,
      orgId: routes[index]?.orgId ?? null,
      plan: routes[index]?.plan ?? { action: 'no_targets' },
    })),
    source: source.id,
    queuedAlerts: [],
    savedDispatchIds: [],
    deliveries: deliveryRows,
    nowMs,
  });
  if (!outcome.consistent) {
    router.refresh();
    return null;
  }
  const deliveries = outcome.deliveries;
  return { refs: newIdByKey.size === 0 ? refs : await settleDedupeRaces(sql, inputs, source, refs), deliveries };
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
): { refs: SavedAlertRef[]; rows: (NewAlertRow & { orgId: number | null })[]; newIdByKey: Map<string, string> } {
  const refs: SavedAlertRef[] = [];
  const rows: (NewAlertRow & { orgId: number | null })[] = [];
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
  return findAlertIdsByDedupeKey(sql, source.id, keys);
}
