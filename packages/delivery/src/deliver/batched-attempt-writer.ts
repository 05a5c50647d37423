import type { PrismaClient } from '@herald/db';
import { createMicroBatcher, type MicroBatcher } from '../batching/micro-batcher';
import type { RecordAttemptInput } from './delivery-recorder';

/** One row of work for the batched writer, already reduced to column values. */
interface AttemptRow {
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

export function toAttemptRow(input: RecordAttemptInput): AttemptRow {
  const { outcome, result } = input;
  const status = outcome.kind === 'delivered' ? 'delivered' : outcome.kind === 'retry' ? 'retrying' : outcome.kind;
  const error = outcome.kind === 'delivered' ? null : outcome.reason;
  return {
    deliveryId: input.deliveryId,
    webhookId: input.webhookId ?? null,
    alertId: input.alertId,
    attemptNumber: input.attemptNumber,
    startedAt: new Date(input.startedAtMs).toISOString(),
    durationMs: result.durationMs,
    statusCode: result.statusCode ?? null,
    outcome: outcome.kind === 'retry' ? (outcome.throttled ? 'throttled' : 'retry') : outcome.kind === 'delivered' ? 'delivered' : 'failed',
    errorClass: result.errorClass ?? (result.statusCode !== undefined && outcome.kind !== 'delivered' ? `http_${result.statusCode}` : null),
    error,
    status,
    nextAttemptAt: outcome.kind === 'retry' ? new Date(input.nowMs + outcome.delayMs).toISOString() : null,
    deliveredAt: outcome.kind === 'delivered' ? new Date(input.nowMs).toISOString() : null,
    latencyMs:
      outcome.kind === 'delivered' && input.receivedAtMs !== null ? Math.max(0, Math.round(input.nowMs - input.receivedAtMs)) : null,
  };
}

/**
 * Writes many attempts in three statements (insert attempts, update deliveries, settle alerts)
 * whatever the batch size: arrays unnested server-side instead of one round trip per row.
 */
export async function writeAttemptRows(prisma: PrismaClient, rows: AttemptRow[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <K extends keyof AttemptRow>(key: K) => rows.map((row) => row[key]);
  const settled = [...new Set(rows.filter((r) => r.status !== 'retrying' && r.alertId !== null).map((r) => r.alertId as string))];
  const healthy = [...new Set(rows.filter((r) => r.status === 'delivered' && r.webhookId !== null).map((r) => r.webhookId as string))];
  await prisma.$transaction([
    prisma.$executeRawUnsafe(
      `INSERT INTO delivery_attempts (delivery_id, attempt_number, started_at, duration_ms, status_code, outcome, error_class, error)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[])`,
      col('deliveryId'),
      col('attemptNumber'),
      col('startedAt'),
      col('durationMs'),
      col('statusCode'),
      col('outcome'),
      col('errorClass'),
      col('error'),
    ),
    prisma.$executeRawUnsafe(
      `UPDATE deliveries AS d SET
         status = u.status::"DeliveryStatus",
         attempt_count = u.attempt_number,
         last_status_code = u.status_code,
         last_error = u.error,
         next_attempt_at = u.next_attempt_at,
         delivered_at = COALESCE(u.delivered_at, d.delivered_at),
         latency_ms = COALESCE(u.latency_ms, d.latency_ms),
         updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::int[])
         AS u(id, status, attempt_number, status_code, error, next_attempt_at, delivered_at, latency_ms)
       WHERE d.id = u.id`,
      col('deliveryId'),
      col('status'),
      col('attemptNumber'),
      col('statusCode'),
      col('error'),
      col('nextAttemptAt'),
      col('deliveredAt'),
      col('latencyMs'),
    ),
  ]);
  // After the commit, not inside it: two batches finishing the last deliveries of one alert
  // concurrently would each miss the other's uncommitted rows and neither would settle it.
  // Whichever commits last sees both here.
  if (settled.length > 0) await settleAlertsSql(prisma, settled);
  // A delivered attempt ends its webhook's failure streak; rows without one are not touched.
  if (healthy.length > 0) {
    await prisma.$executeRawUnsafe(
      `UPDATE webhooks SET consecutive_failures = 0, first_failure_at = NULL WHERE id = ANY($1::uuid[]) AND consecutive_failures > 0`,
      healthy,
    );
  }
}

/**
 * Once no delivery of an alert is open, its status becomes delivered, partially_failed or failed.
 * One statement for many alerts; concurrent writers agree because it reads the deliveries as they are.
 */
export function settleAlertsSql(prisma: PrismaClient, alertIds: string[]) {
  return prisma.$executeRawUnsafe(
    `UPDATE alerts AS a
     SET status = (CASE WHEN s.delivered = s.total THEN 'delivered' WHEN s.delivered = 0 THEN 'failed' ELSE 'partially_failed' END)::"AlertStatus"
     FROM (
       SELECT alert_id,
              count(*) FILTER (WHERE status <> 'cancelled') AS total,
              count(*) FILTER (WHERE status = 'delivered') AS delivered,
              count(*) FILTER (WHERE status IN ('pending', 'retrying')) AS open
       FROM deliveries WHERE alert_id = ANY($1::uuid[]) GROUP BY alert_id
     ) AS s
     WHERE a.id = s.alert_id AND s.open = 0 AND s.total > 0
       AND a.status IN ('dispatched', 'queued', 'delivered', 'partially_failed', 'failed')`,
    alertIds,
  );
}

/** Group commit: concurrent deliveries finishing together share one write; each caller waits for it. */
export function createBatchedAttemptWriter(
  prisma: PrismaClient,
  options: { maxSize?: number; maxWaitMs?: number } = {},
): MicroBatcher<RecordAttemptInput> {
  const batcher = createMicroBatcher<AttemptRow>({
    maxSize: options.maxSize ?? 200,
    maxWaitMs: options.maxWaitMs ?? 5,
    flush: (rows) => writeAttemptRows(prisma, rows),
  });
  return { add: (input) => batcher.add(toAttemptRow(input)), drain: () => batcher.drain() };
}
