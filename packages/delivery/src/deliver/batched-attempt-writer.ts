import { createGroupCommit } from '@herald/core';
import type { Logger } from '@herald/config';
import { isDatabaseUnavailable, settleAlertStatuses, writeAttempts, type AttemptRow, type SqlSession } from '@herald/db';
import type { AttemptOutcome } from './attempt-outcome';
import type { RecordAttemptInput } from './delivery-recorder';

/** The delivery's status after an attempt with this outcome. */
export function attemptStatus(outcome: AttemptOutcome): AttemptRow['status'] {
  return outcome.kind === 'delivered' ? 'delivered' : outcome.kind === 'retry' ? 'retrying' : outcome.kind;
}

export function toAttemptRow(input: RecordAttemptInput): AttemptRow {
  const { outcome, result } = input;
  const status = attemptStatus(outcome);
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

/** Alerts whose last delivery ended in these rows. */
function endedAlertIds(rows: AttemptRow[]): string[] {
  return [...new Set(rows.filter((r) => r.status !== 'retrying' && r.alertId !== null).map((r) => r.alertId as string))];
}

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
        await writeAttempts(sql, rows);
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
