import type { AlertRecord } from '@herald/core';
import type { DeliveryKind, DeliveryStatus, SqlSession } from '@herald/db';
import { createBatchLoader } from '../batching/batch-loader';

/** A delivery with its alert, as the delivery job needs it. */
export interface LoadedDelivery {
  id: string;
  kind: DeliveryKind;
  alertId: string | null;
  webhookId: string;
  status: DeliveryStatus;
  attemptCount: number;
  createdAt: Date;
  /** The rendered body of a digest or notice; null for alert deliveries. */
  payload: unknown;
  alert: (AlertRecord & { receivedAt: Date }) | null;
}

type DeliveryColumns = Omit<LoadedDelivery, 'alert'>;
type AlertColumns = Omit<AlertRecord, 'id' | 'type'> & { joinedAlertId: string; alertType: string; receivedAt: Date };
/** A delivery row joined with its alert's columns: all set when it has one, all null when not. */
type DeliveryRow = DeliveryColumns & (AlertColumns | { [K in keyof AlertColumns]: null });

/** One statement for a whole batch: the delivery and its alert joined, no ORM in between. */
const LOAD_DELIVERIES_SQL = `
  SELECT d.id, d.kind, d.alert_id AS "alertId", d.webhook_id AS "webhookId", d.status,
         d.attempt_count AS "attemptCount", d.created_at AS "createdAt", d.payload,
         a.id AS "joinedAlertId", a.type AS "alertType", a.severity, a.title, a.message, a.printer_id AS "printerId",
         a.printer_name AS "printerName", a.org_id AS "orgId", a.occurred_at AS "occurredAt", a.received_at AS "receivedAt"
  FROM deliveries d LEFT JOIN alerts a ON a.id = d.alert_id
  WHERE d.id = ANY($1::uuid[])`;

function toLoadedDelivery(row: DeliveryRow): LoadedDelivery {
  const delivery: DeliveryColumns = {
    id: row.id,
    kind: row.kind,
    alertId: row.alertId,
    webhookId: row.webhookId,
    status: row.status,
    attemptCount: row.attemptCount,
    createdAt: row.createdAt,
    payload: row.payload,
  };
  if (row.joinedAlertId === null) return { ...delivery, alert: null };
  const { joinedAlertId, alertType, severity, title, message, printerId, printerName, orgId, occurredAt, receivedAt } = row;
  return {
    ...delivery,
    alert: { id: joinedAlertId, type: alertType, severity, title, message, printerId, printerName, orgId, occurredAt, receivedAt },
  };
}

export async function loadDeliveries(sql: SqlSession, ids: string[]): Promise<LoadedDelivery[]> {
  const rows = await sql.query<DeliveryRow>(LOAD_DELIVERIES_SQL, [ids]);
  return rows.map(toLoadedDelivery);
}

/** Reads the deliveries of concurrent jobs together: one query for a whole batch. */
export function createDeliveryLoader(sql: SqlSession, options: { maxSize?: number } = {}) {
  return createBatchLoader<string, LoadedDelivery>({
    maxSize: options.maxSize ?? 200,
    load: async (ids) => new Map((await loadDeliveries(sql, ids)).map((row) => [row.id, row])),
  });
}
