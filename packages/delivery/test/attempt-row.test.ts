import { toAttemptRow } from '../src/deliver/batched-attempt-writer';
import type { RecordAttemptInput } from '../src/deliver/delivery-recorder';

const DAY_MS = 86_400_000;

function delivered(receivedAgoMs: number): RecordAttemptInput {
  const nowMs = Date.parse('2026-11-27T12:00:00Z');
  return {
    deliveryId: '01a21d15-cacb-7b2a-88a0-3a84230690af',
    webhookId: '01a21d15-cacb-7b2a-88a0-3a84230690b0',
    alertId: '01a21d15-cacb-7b2a-88a0-3a84230690b1',
    attemptNumber: 1,
    startedAtMs: nowMs - 40,
    result: { statusCode: 204, durationMs: 40, headers: {}, bodyText: '' },
    outcome: { kind: 'delivered' },
    receivedAtMs: nowMs - receivedAgoMs,
    nowMs,
  };
}

test('the latency of a delivery is the time from the receipt of its alert to the 2xx', () => {
  expect(toAttemptRow(delivered(1_234)).latencyMs).toBe(1_234);
});

test('a delivery retried more than 24.8 days after its alert records the largest latency the column holds, not an error', () => {
  expect(toAttemptRow(delivered(30 * DAY_MS)).latencyMs).toBe(2_147_483_647);
});
