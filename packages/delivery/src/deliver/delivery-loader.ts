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

interface DeliveryRow extends Omit<LoadedDelivery, 'alert'> {
  alertType: string | null;
  severity: AlertRecord['severity'] | null;
  title: string | null;
  message: string | null;
  printerId: number | null;
  printerName: string | null;
  orgId: number | null;
  occurredAt: Date | null;
  receivedAt: Date | null;
}

/** One statement for a whole batch: the delivery and its alert joined, no ORM in between. */
const LOAD_DELIVERIES_SQL = `
  SELECT d.id, d.kind, d.alert_id AS "alertId", d.webhook_id AS "webhookId", d.status,
         d.attempt_count AS "attemptCount", d.created_at AS "createdAt", d.payload,
         a.type AS "alertType", a.severity, a.title, a.message, a.printer_id AS "printerId",
         a.printer_name AS "printerName", a.org_id AS "orgId", a.occurred_at AS "occurredAt", a.received_at AS "receivedAt"
  FROM deliveries d LEFT JOIN alerts a ON a.id = d.alert_id
  WHERE d.id = ANY($1::uuid[])`;

function toLoadedDelivery(row: DeliveryRow): LoadedDelivery {
  const { alertType, severity, title, message, printerId, printerName, orgId, occurredAt, receivedAt, ...delivery } = row;
  const alert =
    row.alertId !== null && alertType !== null && severity !== null && occurredAt !== null && receivedAt !== null
      ? {
          id: row.alertId,
          type: alertType,
          severity,
          title: title ?? '',
          message: message ?? '',
          printerId: printerId ?? 0,
          printerName,
          orgId,
          occurredAt,
          receivedAt,
        }
      : null;
  return { ...delivery, alert };
}

export async function loadDeliveries(sql: SqlSession, ids: string[]): Promise<LoadedDelivery[]> {
  const rows = await sql.query<DeliveryRow>(LOAD_DELIVERIES_SQL, [ids]);
  return rows.map(toLoadedDelivery);
}

/** Reads the deliveries of concurrent jobs together: one query for a whole batch. */
export function createDeliveryLoader(sql: SqlSession, options: { maxSize?: number; maxWaitMs?: number } = {}) {
  return createBatchLoader<string, LoadedDelivery>({
    maxSize: options.maxSize ?? 200,
    maxWaitMs: options.maxWaitMs ?? 2,
    load: async (ids) => new Map((await loadDeliveries(sql, ids)).map((row) => [row.id, row])),
  });
}
