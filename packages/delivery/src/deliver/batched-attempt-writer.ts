import { createGroupCommit } from '@herald/core';
import type { Logger } from '@herald/config';
import { isDatabaseUnavailable, type SqlSession } from '@herald/db';
import { settleAlertStatuses, type RecordAttemptInput } from './delivery-recorder';

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
      outcome.kind === 'delivered' && input.receivedAtMs !== null
        ? Math.min(MAX_INT4, Math.max(0, Math.round(input.nowMs - input.receivedAtMs)))
        : null,
  };
}

/** The latency column is a 32-bit integer: a delivery retried weeks after its alert still fits (about 24.8 days). */
const MAX_INT4 = 2_147_483_647;
const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Writes many attempts in one statement whatever the batch size (arrays unnested server-side):
 * insert the attempts, update their deliveries, end the failure streak of webhooks that delivered.
 * The statement is all or nothing; it throws only if nothing was written.
 */
export async function writeAttemptRows(sql: SqlSession, rows: AttemptRow[]): Promise<void> {
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

/** Alerts whose last delivery ended in these rows. */
function endedAlertIds(rows: AttemptRow[]): string[] {
  return [...new Set(rows.filter((r) => r.status !== 'retrying' && r.alertId !== null).map((r) => r.alertId as string))];
}

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
    status = u.status::"DeliveryStatus",
    attempt_count = u.attempt_number,
    last_status_code = u.status_code,
    last_error = u.error,
    next_attempt_at = u.next_attempt_at,
    delivered_at = COALESCE(u.delivered_at, d.delivered_at),
    latency_ms = COALESCE(u.latency_ms, d.latency_ms),
    updated_at = now()
  FROM u WHERE d.id = u.delivery_id`;

export interface AttemptWriterOptions {
  maxSize?: number;
  /**
   * How long an idle write may wait for more attempts (see GroupCommitOptions.holdMs). The worker
   * holds only while most of its job slots are free: the endpoints have answered already, so the
   * wait delays just the record and saves statements; near the slot limit it would cost throughput.
   */
  holdMs?: () => number;
  logger?: Logger;
}

/**
 * Group commit: concurrent attempts share one write; each caller waits for its record, so a
 * completed job always has one. Attempts finishing while a write is in flight go in the next.
 * After the write commits, the alerts whose last delivery ended are settled.
 */
export function createBatchedAttemptWriter(
  sql: SqlSession,
  options: AttemptWriterOptions = {},
): (input: RecordAttemptInput) => Promise<void> {
  const write = createGroupCommit<AttemptRow, void>(
    async (rows) => {
      try {
        await writeAttemptRows(sql, rows);
      } catch (error) {
        // A delivery deleted meanwhile (its webhook deleted during the request) has nothing left to record.
        if (rows.length > 1 || (error as { code?: unknown }).code !== FOREIGN_KEY_VIOLATION) throw error;
        return [{ status: 'fulfilled', value: undefined }];
      }
      // After the commit, not inside it: two batches finishing the last deliveries of one alert
      // concurrently would each miss the other's uncommitted rows and neither would settle it.
      // Whichever commits last sees both here. The records are written whatever happens now: a
      // settle that fails is left to the sweeper rather than failing (and re-sending) the jobs.
      await settleAlertStatuses(sql, endedAlertIds(rows)).catch((error: unknown) =>
        options.logger?.warn({ errorName: (error as { name?: unknown }).name ?? null }, 'settling alert statuses failed; the sweeper will'),
      );
      return rows.map(() => ({ status: 'fulfilled', value: undefined }));
    },
    {
      maxSize: options.maxSize ?? 200,
      gatherTurn: true,
      holdMs: options.holdMs,
      // A batch the database refuses while it is reachable is written row by row, so one row it
      // refuses does not fail the jobs of the others, whose endpoints have answered already and
      // would otherwise be sent again.
      retryAlone: (error) => !isDatabaseUnavailable(error),
    },
  );
  return (input) => write(toAttemptRow(input));
}
