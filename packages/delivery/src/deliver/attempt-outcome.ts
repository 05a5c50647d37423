import { classifyChannelResponse, parseRetryAfter, retryDelayMs, type WebhookType } from '@herald/core';
import type { SendResult } from '@herald/sender';

const MAX_THROTTLE_MS = 3_600_000;

const GONE_REASON: Record<WebhookType, string> = {
  discord: 'webhook deleted',
  slack: 'webhook deleted',
  teams: 'workflow deleted',
  generic: 'endpoint gone',
  ntfy: 'topic gone',
  telegram: 'bot blocked or token revoked',
  pushover: 'keys invalid',
  whatsapp: 'access revoked',
};

export type AttemptOutcome =
  | { kind: 'delivered' }
  /** A failure worth retrying after delayMs; `throttled` ones do not use up the retry schedule. */
  | { kind: 'retry'; delayMs: number; throttled: boolean; reason: string }
  | { kind: 'dead'; reason: string }
  | { kind: 'failed'; reason: string; gone: boolean };

export interface OutcomeContext {
  webhookType: WebhookType;
  retryScheduleSeconds: number[];
  /** Attempts that counted against the schedule, this one included. */
  failedAttempts: number;
  nowMs: number;
  random: () => number;
}

function describe(result: SendResult): string {
  return result.statusCode !== undefined ? `HTTP ${result.statusCode}` : (result.error ?? 'network error');
}

/** Turns one HTTP result into what happens next, by the retry rules in the README. */
export function decideAttemptOutcome(result: SendResult, context: OutcomeContext): AttemptOutcome {
  // Retrying cannot help: the destination is not allowed (it is checked again at every send).
  if (result.errorClass === 'ssrf_blocked') return { kind: 'failed', reason: describe(result), gone: false };
  const channel =
    result.statusCode === undefined
      ? { verdict: 'retry' as const }
      : classifyChannelResponse(context.webhookType, result.statusCode, result.bodyText);
  const { verdict } = channel;
  const said = channel.detail ? `${describe(result)}: ${channel.detail}` : describe(result);
  if (verdict === 'delivered') return { kind: 'delivered' };
  if (verdict === 'fail') return { kind: 'failed', reason: said, gone: false };
  if (verdict === 'gone')
    return { kind: 'failed', reason: channel.detail ? said : `${said}: ${GONE_REASON[context.webhookType]}`, gone: true };
  const scheduled = retryDelayMs(context.retryScheduleSeconds, context.failedAttempts, context.random);
  const hint =
    result.statusCode === 429 || result.statusCode === 503
      ? parseRetryAfter({ headers: result.headers, bodyText: result.bodyText, nowMs: context.nowMs })
      : null;
  if (hint !== null) {
    // Throttling is the endpoint asking us to wait, not a failure: it does not use up an attempt.
    const delayMs = Math.min(Math.max(hint, scheduled ?? 0), MAX_THROTTLE_MS);
    return { kind: 'retry', delayMs, throttled: true, reason: `${describe(result)}, retry after ${Math.ceil(delayMs / 1000)} s` };
  }
  if (scheduled === null) return { kind: 'dead', reason: `${said}; retries exhausted` };
  return { kind: 'retry', delayMs: scheduled, throttled: false, reason: said };
}
