import { decideAttemptOutcome } from '@herald/delivery';
import type { SendResult } from '@herald/sender';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const noJitter = () => 0.5;

function result(statusCode: number | undefined, headers: Record<string, string> = {}, bodyText = ''): SendResult {
  return statusCode === undefined
    ? { headers: {}, bodyText: '', durationMs: 5, errorClass: 'timeout', error: 'request timeout' }
    : { statusCode, headers, bodyText, durationMs: 5 };
}

function decide(
  r: SendResult,
  overrides: { webhookType?: 'discord' | 'slack' | 'generic'; failedAttempts?: number; schedule?: number[] } = {},
) {
  return decideAttemptOutcome(r, {
    webhookType: overrides.webhookType ?? 'generic',
    retryScheduleSeconds: overrides.schedule ?? [5, 30, 120],
    failedAttempts: overrides.failedAttempts ?? 1,
    nowMs: NOW,
    random: noJitter,
  });
}

test('2xx is delivered', () => {
  expect(decide(result(204))).toEqual({ kind: 'delivered' });
});

test.each([408, 425, 429, 500, 502, 503, 504, undefined])('%s is retried on the schedule', (status) => {
  expect(decide(result(status), { failedAttempts: 2 })).toEqual(
    expect.objectContaining({ kind: 'retry', delayMs: 30_000, throttled: false }),
  );
});

test('jitter stays within ±20 %', () => {
  const low = decideAttemptOutcome(result(500), {
    webhookType: 'generic',
    retryScheduleSeconds: [10],
    failedAttempts: 1,
    nowMs: NOW,
    random: () => 0,
  });
  const high = decideAttemptOutcome(result(500), {
    webhookType: 'generic',
    retryScheduleSeconds: [10],
    failedAttempts: 1,
    nowMs: NOW,
    random: () => 0.999999,
  });
  expect(low).toEqual(expect.objectContaining({ delayMs: 8_000 }));
  expect(high).toEqual(expect.objectContaining({ delayMs: 12_000 }));
});

test('after the last scheduled retry the delivery is dead', () => {
  expect(decide(result(500), { failedAttempts: 4 })).toEqual({ kind: 'dead', reason: 'HTTP 500; retries exhausted' });
});

test.each([400, 401, 403, 413, 422, 301, 302, 307])('%s fails at once', (status) => {
  expect(decide(result(status))).toEqual({ kind: 'failed', reason: `HTTP ${status}`, gone: false });
});

test('404 and 410 mean "deleted" only for Discord and Slack', () => {
  expect(decide(result(410), { webhookType: 'discord' })).toEqual({ kind: 'failed', reason: 'HTTP 410: webhook deleted', gone: true });
  expect(decide(result(404), { webhookType: 'slack' })).toEqual(expect.objectContaining({ gone: true }));
  expect(decide(result(404))).toEqual({ kind: 'failed', reason: 'HTTP 404', gone: false });
});

describe('429 and 503 with a hint wait max(hint, next scheduled delay), capped at 1 h, without counting', () => {
  test('Retry-After seconds longer than the schedule', () => {
    expect(decide(result(429, { 'retry-after': '45' }))).toEqual(
      expect.objectContaining({ kind: 'retry', delayMs: 45_000, throttled: true }),
    );
  });
  test('Retry-After shorter than the schedule: the schedule wins', () => {
    expect(decide(result(503, { 'retry-after': '1' }))).toEqual(expect.objectContaining({ delayMs: 5_000, throttled: true }));
  });
  test('Retry-After as an HTTP date', () => {
    const date = new Date(NOW + 90_000).toUTCString();
    expect(decide(result(503, { 'retry-after': date }))).toEqual(expect.objectContaining({ delayMs: 90_000, throttled: true }));
  });
  test("Discord's retry_after body and X-RateLimit-Reset-After", () => {
    expect(
      decide(result(429, {}, '{"message":"You are being rate limited.","retry_after":12.5,"global":false}'), { webhookType: 'discord' }),
    ).toEqual(expect.objectContaining({ delayMs: 12_500, throttled: true }));
    expect(decide(result(429, { 'x-ratelimit-reset-after': '7.25' }), { webhookType: 'discord' })).toEqual(
      expect.objectContaining({ delayMs: 7_250 }),
    );
  });
  test('capped at one hour', () => {
    expect(decide(result(429, { 'retry-after': '86400' }))).toEqual(expect.objectContaining({ delayMs: 3_600_000 }));
  });
  test('even after the schedule is used up, a throttled attempt waits rather than dies', () => {
    expect(decide(result(429, { 'retry-after': '3' }), { failedAttempts: 9 })).toEqual(
      expect.objectContaining({ kind: 'retry', delayMs: 3_000 }),
    );
  });
  test('a 429 without a hint counts like any failure', () => {
    expect(decide(result(429))).toEqual(expect.objectContaining({ kind: 'retry', throttled: false }));
  });
});
