import type { AlertRecord, RouteHold, RoutePlan } from '@herald/core';
import type { DeliveryKind, DeliveryStatus, Prisma, PrismaClient } from '../generated/prisma/client';
import type { SqlSession } from '../sql-executor';
import { alertInsertColumns, settleAlertStatuses, type NewAlertRow } from './alerts';

/** The deliveries table and its attempts: every statement that writes or reads them. */

export interface DeliveryRef {
  id: string;
  webhookId: string;
  alertId: string;
}

/** A new alert with its organization (as routing took it) and its route. */
export interface RoutedNewAlert {
  row: NewAlertRow;
  orgId: number | null;
  plan: RoutePlan;
}

export interface RoutedAlertsWrite {
  /** New alerts, inserted with their route's outcome; none when routing saved alerts only. */
  newAlerts: readonly RoutedNewAlert[];
  /** Who posted the new alerts (their dedupe keys are this source's). */
  source: string | null;
  /** Saved alerts still `queued`: the outcome of their route (dispatched, suppressed or no_targets) and its holds. */
  queuedAlerts: readonly { id: string; plan: RoutePlan }[];
  /**
   * Saved alerts sent to their webhooks (queued or dispatched before): their deliveries are
   * created (an alert routed twice keeps its first ones) and every pending one is answered.
   */
  savedDispatchIds: readonly string[];
  /** The delivery rows the routes ask for, new alerts' and saved alerts' alike. */
  deliveries: readonly { id: string; alertId: string; webhookId: string }[];
  nowMs: number;
}

export interface RoutedAlertsResult {
  /** False when a new alert's printer is not in the organization routing took: then nothing was written. */
  consistent: boolean;
  /** The pending deliveries to enqueue: the ones created, and the saved dispatched alerts' others. */
  deliveries: DeliveryRef[];
}

function alertStatusOf(plan: RoutePlan): 'dispatched' | 'suppressed' | 'no_targets' {
  if (plan.action === 'dispatch') return 'dispatched';
  return plan.action === 'suppress' ? 'suppressed' : 'no_targets';
}

function holdsOf(plan: RoutePlan): RouteHold[] {
  return plan.action === 'no_targets' ? [] : plan.holds;
}

/** Why the alert has its status: the quiet hours holding it (a dispatched alert's held from some of its webhooks). */
function reasonOf(plan: RoutePlan): string | null {
  if (plan.action === 'suppress') return plan.reason;
  const holds = holdsOf(plan);
  return holds.length === 0 ? null : holds.map((hold) => hold.reason).join('; ');
}

/**
 * "Route plan → alert status + delivery rows + quiet-hours holds", in one statement for both routing
 * paths: the API saving new alerts already routed from its cache, and the fan-out routing saved ones.
 * - New alerts are inserted with their final status, after an organization check: a printer whose
 *   organization is not the one routing assumed makes the statement write nothing (the caller
 *   refreshes its cache and takes the careful path). A dedupe key already taken inserts neither
 *   the alert nor its deliveries.
 * - Saved alerts still queued get their route's status (held: reason and first quiet scope too).
 * - Holds, one per (alert, scope), are inserted for the alerts inserted or routed here, so an alert
 *   routed twice is held once.
 * - Deliveries are inserted for the alerts inserted here and for saved dispatched ones (a delivery
 *   that exists already is kept); the saved ones' pending deliveries are answered too, so each gets
 *   its job. That second SELECT reads the statement's snapshot, which does not hold the rows
 *   inserted above, so the two halves never overlap.
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
    RETURNING id, occurred_at
  ),
  routed AS (
    UPDATE alerts AS a
    SET status = r.status::"AlertStatus",
        status_reason = COALESCE(r.status_reason, a.status_reason),
        quiet_scope = COALESCE(r.quiet_scope, a.quiet_scope),
        dispatched_at = CASE WHEN r.status = 'suppressed' THEN a.dispatched_at ELSE $15::timestamptz END
    FROM unnest($20::uuid[], $21::text[], $22::text[], $23::text[]) AS r(id, status, status_reason, quiet_scope)
    WHERE a.id = r.id AND a.status = 'queued'
    RETURNING a.id, a.occurred_at
  ),
  held AS (
    INSERT INTO alert_holds (alert_id, scope, audience, occurred_at)
    SELECT h.alert_id, h.scope, h.audience::"HoldAudience", t.occurred_at
    FROM unnest($25::uuid[], $26::text[], $27::text[]) AS h(alert_id, scope, audience)
    JOIN (SELECT id, occurred_at FROM inserted UNION ALL SELECT id, occurred_at FROM routed) AS t ON t.id = h.alert_id
    ON CONFLICT DO NOTHING
  ),
  created AS (
    INSERT INTO deliveries (id, kind, alert_id, webhook_id, status, updated_at)
    SELECT d.id, 'alert', d.alert_id, d.webhook_id, 'pending', now()
    FROM unnest($17::uuid[], $18::uuid[], $19::uuid[]) AS d(id, alert_id, webhook_id), checked
    WHERE checked.consistent AND (d.alert_id IN (SELECT id FROM inserted) OR d.alert_id = ANY($24::uuid[]))
    ON CONFLICT DO NOTHING
    RETURNING id, webhook_id, alert_id
  )
  SELECT checked.consistent,
         (SELECT json_agg(json_build_array(o.id, o.webhook_id, o.alert_id)) FROM (
            SELECT id, webhook_id, alert_id FROM created
            UNION ALL
            -- status as text: the alert index, not a BitmapAnd reading every pending delivery's status entry
            SELECT id, webhook_id, alert_id FROM deliveries WHERE alert_id = ANY($24::uuid[]) AND status::text = 'pending'
          ) AS o) AS deliveries
  FROM checked`;

export async function insertRoutedAlerts(sql: SqlSession, write: RoutedAlertsWrite): Promise<RoutedAlertsResult> {
  const { newAlerts, queuedAlerts, deliveries } = write;
  const newPlans = newAlerts.map((alert) => alert.plan);
  const queuedPlans = queuedAlerts.map((alert) => alert.plan);
  const scopeOf = (plan: RoutePlan) => holdsOf(plan)[0]?.scope ?? null;
  const holds = [
    ...newAlerts.map((alert) => ({ alertId: alert.row.id, plan: alert.plan })),
    ...queuedAlerts.map((alert) => ({ alertId: alert.id, plan: alert.plan })),
  ].flatMap(({ alertId, plan }) => holdsOf(plan).map((hold) => ({ alertId, ...hold })));
  const [outcome] = await sql.query<{ consistent: boolean; deliveries: [string, string, string][] | null }>(INSERT_ROUTED_ALERTS_SQL, [
    ...alertInsertColumns(
      newAlerts.map((alert) => alert.row),
      newAlerts.map((alert) => alert.orgId),
    ),
    newPlans.map(alertStatusOf),
    newPlans.map(reasonOf),
    newPlans.map(scopeOf),
    new Date(write.nowMs),
    write.source,
    deliveries.map((d) => d.id),
    deliveries.map((d) => d.alertId),
    deliveries.map((d) => d.webhookId),
    queuedAlerts.map((alert) => alert.id),
    queuedPlans.map(alertStatusOf),
    queuedPlans.map(reasonOf),
    queuedPlans.map(scopeOf),
    write.savedDispatchIds,
    holds.map((hold) => hold.alertId),
    holds.map((hold) => hold.scope),
    holds.map((hold) => hold.audience),
  ]);
  return {
    consistent: outcome?.consistent ?? false,
    deliveries: (outcome?.deliveries ?? []).map(([id, webhookId, alertId]) => ({ id, webhookId, alertId })),
  };
}

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

export async function loadDeliveries(sql: SqlSession, ids: readonly string[]): Promise<LoadedDelivery[]> {
  const rows = await sql.query<DeliveryRow>(LOAD_DELIVERIES_SQL, [ids]);
  return rows.map(toLoadedDelivery);
}

/**
 * One page of an alert's deliveries to webhooks, in webhook id order after `afterWebhookId`
 * (keyset on the (alert_id, webhook_id) unique index): a wide alert's first-attempts job reads
 * its deliveries this way instead of carrying them all. Returns [delivery id, webhook id] pairs.
 */
export async function pageAlertDeliveries(
  sql: SqlSession,
  alertId: string,
  afterWebhookId: string | null,
  limit: number,
): Promise<[string, string][]> {
  const rows = await sql.query<{ id: string; webhookId: string }>(
    `SELECT id, webhook_id AS "webhookId" FROM deliveries
     WHERE alert_id = $1 AND webhook_id > COALESCE($2::uuid, '00000000-0000-0000-0000-000000000000'::uuid)
     ORDER BY webhook_id LIMIT $3`,
    [alertId, afterWebhookId, limit],
  );
  return rows.map((row): [string, string] => [row.id, row.webhookId]);
}

/** Cancels one delivery and settles its alert. */
export async function cancelDelivery(sql: SqlSession, deliveryId: string, alertId: string | null, reason: string): Promise<void> {
  await sql.query(
    `UPDATE deliveries SET status = 'cancelled', last_error = $2, next_attempt_at = NULL, updated_at = now() WHERE id = $1::uuid`,
    [deliveryId, reason],
  );
  if (alertId !== null) await settleAlertStatuses(sql, [alertId]);
}

/**
 * A disabled webhook receives nothing more: its waiting deliveries become cancelled now rather
 * than when their jobs come up (their jobs then find them final and end). Returns how many.
 */
export async function cancelOpenDeliveries(sql: SqlSession, webhookId: string, reason: string, batchSize = 1_000): Promise<number> {
  let cancelled = 0;
  for (;;) {
    const rows = await sql.query<{ alertId: string | null }>(
      `UPDATE deliveries AS d SET status = 'cancelled', last_error = $2, next_attempt_at = NULL, updated_at = now()
       FROM (SELECT id FROM deliveries WHERE webhook_id = $1::uuid AND status IN ('pending', 'retrying') LIMIT $3) AS open
       WHERE d.id = open.id AND d.status IN ('pending', 'retrying')
       RETURNING d.alert_id AS "alertId"`,
      [webhookId, reason, batchSize],
    );
    cancelled += rows.length;
    await settleAlertStatuses(sql, [...new Set(rows.map((r) => r.alertId).filter((id): id is string => id !== null))]);
    if (rows.length < batchSize) return cancelled;
  }
}

/** One attempt and its delivery's new state, reduced to column values. */
export interface AttemptRow {
  deliveryId: string;
  webhookId: string | null;
  alertId: string | null;
  attemptNumber: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  outcome: string;
  errorClass: string | null;
  error: string | null;
  status: 'delivered' | 'retrying' | 'dead' | 'failed';
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  latencyMs: number | null;
}

/**
 * A delivery cancelled while its attempt was in flight (its webhook deleted or disabled meanwhile)
 * stays cancelled, with the cancel's reason, unless the attempt delivered it: the attempt is still
 * recorded, and nothing is retried for a webhook that is gone.
 */
const KEEPS_CANCELLED = `d.status = 'cancelled' AND u.status <> 'delivered'`;

const WRITE_ATTEMPTS_SQL = `
  WITH u AS (
    SELECT * FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[],
                         $9::text[], $10::timestamptz[], $11::timestamptz[], $12::int[])
      AS u(delivery_id, attempt_number, started_at, duration_ms, status_code, outcome, error_class, error,
           status, next_attempt_at, delivered_at, latency_ms)
  ),
  attempts AS (
    INSERT INTO delivery_attempts (delivery_id, attempt_number, started_at, duration_ms, status_code, outcome, error_class, error)
    SELECT delivery_id, attempt_number, started_at, duration_ms, status_code, outcome, error_class, error FROM u
  ),
  healthy AS (
    UPDATE webhooks SET consecutive_failures = 0, first_failure_at = NULL
    WHERE id = ANY($13::uuid[]) AND consecutive_failures > 0
  )
  UPDATE deliveries AS d SET
    status = CASE WHEN ${KEEPS_CANCELLED} THEN d.status ELSE u.status::"DeliveryStatus" END,
    attempt_count = u.attempt_number,
    last_status_code = u.status_code,
    last_error = CASE WHEN ${KEEPS_CANCELLED} THEN d.last_error ELSE u.error END,
    next_attempt_at = CASE WHEN ${KEEPS_CANCELLED} THEN NULL ELSE u.next_attempt_at END,
    delivered_at = COALESCE(u.delivered_at, d.delivered_at),
    latency_ms = COALESCE(u.latency_ms, d.latency_ms),
    updated_at = now()
  FROM u WHERE d.id = u.delivery_id`;

/**
 * Writes many attempts in one statement whatever the batch size (arrays unnested server-side):
 * insert the attempts, update their deliveries, end the failure streak of webhooks that delivered.
 * The statement is all or nothing; it throws only if nothing was written.
 */
export async function writeAttempts(sql: SqlSession, rows: readonly AttemptRow[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <K extends keyof AttemptRow>(key: K) => rows.map((row) => row[key]);
  const healthy = [...new Set(rows.filter((r) => r.status === 'delivered' && r.webhookId !== null).map((r) => r.webhookId as string))];
  await sql.query(WRITE_ATTEMPTS_SQL, [
    col('deliveryId'),
    col('attemptNumber'),
    col('startedAt'),
    col('durationMs'),
    col('statusCode'),
    col('outcome'),
    col('errorClass'),
    col('error'),
    col('status'),
    col('nextAttemptAt'),
    col('deliveredAt'),
    col('latencyMs'),
    healthy,
  ]);
}

/** Deletes up to `limit` attempts that started before `cutoff`; answers how many. */
export async function deleteAttemptsBefore(sql: SqlSession, cutoff: Date, limit: number): Promise<number> {
  const [row] = await sql.query<{ count: number }>(
    `WITH pruned AS (
       DELETE FROM delivery_attempts WHERE id IN (SELECT id FROM delivery_attempts WHERE started_at < $1 LIMIT $2) RETURNING 1
     )
     SELECT count(*)::int AS count FROM pruned`,
    [cutoff, limit],
  );
  return row?.count ?? 0;
}

/**
 * Attempt rows are pruned after the retention period, so their count would go down; the id
 * sequence behind them only grows, and every worker writes through it.
 */
export async function countAttemptsRecorded(prisma: PrismaClient): Promise<number> {
  const rows = await prisma.$queryRaw<{ total: bigint | number | null }[]>`
    SELECT pg_sequence_last_value(pg_get_serial_sequence('delivery_attempts', 'id')::regclass) AS total`;
  return Number(rows[0]?.total ?? 0);
}

/** Ends an open delivery dead, only if nobody touched it since `untouchedSince`; true when it did. */
export async function endDeliveryDead(sql: SqlSession, deliveryId: string, reason: string, untouchedSince: Date): Promise<boolean> {
  const ended = await sql.query<{ id: string }>(
    `UPDATE deliveries SET status = 'dead', last_error = $2, next_attempt_at = NULL, updated_at = now()
     WHERE id = $1::uuid AND status IN ('pending', 'retrying') AND updated_at < $3
     RETURNING id`,
    [deliveryId, reason, untouchedSince],
  );
  return ended.length > 0;
}

/** Notice deliveries (a rendered payload each, no alert). */
export async function createNoticeDeliveries(
  prisma: PrismaClient,
  deliveries: readonly { id: string; webhookId: string; payload: object }[],
): Promise<void> {
  await prisma.delivery.createMany({ data: deliveries.map((d) => ({ ...d, kind: 'notice' as const })) });
}

/** A digest's deliveries, one per webhook; those already created are kept. */
export async function createDigestDeliveries(
  prisma: PrismaClient,
  digestId: string,
  deliveries: readonly { id: string; webhookId: string; payload: object }[],
): Promise<void> {
  await prisma.delivery.createMany({
    data: deliveries.map((d) => ({ ...d, kind: 'digest' as const, digestId })),
    skipDuplicates: true,
  });
}

export async function findPendingDigestDeliveries(
  prisma: PrismaClient,
  digestId: string,
): Promise<{ id: string; webhookId: string | null }[]> {
  return prisma.delivery.findMany({ where: { digestId, status: 'pending' }, select: { id: true, webhookId: true } });
}

const WEBHOOK_SUMMARY = { select: { id: true, name: true, type: true, urlMasked: true, enabled: true, disabledReason: true } } as const;

/**
 * Who sees (and retries) a delivery: everyone (null), or an organization, which sees only deliveries
 * to its own webhooks: the operator's system webhooks, their names and hosts, stay out of its view
 * even for its own alerts.
 */
export function deliveriesVisibleTo(orgId: number | null): Prisma.DeliveryWhereInput {
  if (orgId === null) return {};
  return { webhook: { orgId } };
}

/** A delivery with its attempts and its webhook's summary, if the viewer may see it. */
export async function findVisibleDelivery(prisma: PrismaClient, deliveryId: string, viewerOrgId: number | null) {
  return prisma.delivery.findFirst({
    where: { AND: [{ id: deliveryId }, deliveriesVisibleTo(viewerOrgId)] },
    include: { attempts: { orderBy: { attemptNumber: 'asc' } }, webhook: WEBHOOK_SUMMARY },
  });
}

export interface DeliveryListFilter {
  /** null: every delivery; else what this organization sees. */
  viewerOrgId: number | null;
  status?: DeliveryStatus;
  webhookId?: string;
  alertId?: string;
  /** Ids are UUIDv7, so "older than the cursor" is "id below the cursor". */
  beforeId?: string;
}

/** Newest first, at most `take`, each with its webhook's summary. */
export async function listDeliveries(prisma: PrismaClient, filter: DeliveryListFilter, take: number) {
  return prisma.delivery.findMany({
    where: {
      AND: [
        deliveriesVisibleTo(filter.viewerOrgId),
        {
          ...(filter.status ? { status: filter.status } : {}),
          ...(filter.webhookId ? { webhookId: filter.webhookId } : {}),
          ...(filter.alertId ? { alertId: filter.alertId } : {}),
          ...(filter.beforeId ? { id: { lt: filter.beforeId } } : {}),
        },
      ],
    },
    orderBy: { id: 'desc' },
    take,
    include: { webhook: WEBHOOK_SUMMARY },
  });
}

/**
 * Makes the given deliveries pending again, only those still in one of `statuses` (so two
 * concurrent retries of one delivery reopen it once); answers the ids reopened.
 */
export async function reopenDeliveries(
  prisma: PrismaClient,
  deliveryIds: readonly string[],
  statuses: readonly DeliveryStatus[],
): Promise<string[]> {
  const rows = await prisma.delivery.updateManyAndReturn({
    where: { id: { in: [...deliveryIds] }, status: { in: [...statuses] } },
    data: { status: 'pending', nextAttemptAt: null },
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

/** A webhook's deliveries in `statuses` created since `since`, in id order after `afterId`, at most `take`. */
export async function findWebhookDeliveriesSince(
  prisma: PrismaClient,
  filter: { webhookId: string; statuses: readonly DeliveryStatus[]; since: Date; afterId?: string },
  take: number,
) {
  return prisma.delivery.findMany({
    where: {
      webhookId: filter.webhookId,
      status: { in: [...filter.statuses] },
      createdAt: { gte: filter.since },
      ...(filter.afterId ? { id: { gt: filter.afterId } } : {}),
    },
    select: { id: true, webhookId: true, kind: true, alertId: true },
    orderBy: { id: 'asc' },
    take,
  });
}

/**
 * Shows why an open delivery has not been attempted yet (say, waiting for a free slot at a busy
 * endpoint) and when it looks again, without touching its attempt count or status.
 */
export async function noteDeliveryWaiting(sql: SqlSession, deliveryId: string, reason: string, nextAttemptAt: Date): Promise<void> {
  await sql.query(
    `UPDATE deliveries SET last_error = $2, next_attempt_at = $3
     WHERE id = $1::uuid AND status IN ('pending', 'retrying')`,
    [deliveryId, reason, nextAttemptAt],
  );
}
