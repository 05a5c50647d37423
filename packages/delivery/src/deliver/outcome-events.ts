import type { DeliveryOutcomeEvent } from '@herald/core';
import type { ConsoleEventPublisher } from '@herald/queue';
import { attemptStatus } from './batched-attempt-writer';
import type { RecordAttemptInput } from './delivery-recorder';

/** The console's view of a recorded attempt: what it did to the delivery, never the URL or the response. */
export function deliveryOutcomeEvent(input: RecordAttemptInput): DeliveryOutcomeEvent {
  const { outcome, result } = input;
  return {
    kind: 'delivery',
    org_id: input.orgId ?? null,
    delivery_id: input.deliveryId,
    alert_id: input.alertId,
    webhook_id: input.webhookId ?? null,
    attempt: input.attemptNumber,
    // What the attempt row records (toAttemptRow), without building the whole row a second time.
    status: attemptStatus(outcome),
    status_code: result.statusCode ?? null,
    duration_ms: result.durationMs,
    at: new Date(input.nowMs).toISOString(),
  };
}

/** Writes the attempt, then tells the console's event stream what happened. */
export function publishingOutcomes(
  write: (input: RecordAttemptInput) => Promise<void>,
  publisher: ConsoleEventPublisher,
): (input: RecordAttemptInput) => Promise<void> {
  return async (input) => {
    await write(input);
    publisher.publish(deliveryOutcomeEvent(input));
  };
}
