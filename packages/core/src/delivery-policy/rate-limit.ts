export type ResponseHeaders = Record<string, string | string[] | undefined>;

const MAX_RETRY_AFTER_MS = 3_600_000;
const SECONDS_PATTERN = /^\d+(\.\d+)?$/;

/** Every value of a header, whatever the letter case of its name. */
function headerValues(headers: ResponseHeaders, name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    values.push(...(Array.isArray(value) ? value : [value]).map((v) => v.trim()));
  }
  return values;
}

function parseJsonObject(bodyText: string | undefined): Record<string, unknown> | null {
  if (!bodyText) return null;
  try {
    const parsed: unknown = JSON.parse(bodyText);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function secondsToMs(value: string): number | null {
  return SECONDS_PATTERN.test(value) ? Math.ceil(Number(value) * 1000) : null;
}

/** `Retry-After` is delay-seconds or an HTTP-date; a date in the past means "now". */
function retryAfterHeaderMs(value: string, nowMs: number): number | null {
  const seconds = secondsToMs(value);
  if (seconds !== null) return seconds;
  if (!/[a-z]/i.test(value)) return null;
  const dateMs = Date.parse(value);
  return Number.isNaN(dateMs) ? null : Math.max(0, dateMs - nowMs);
}

/**
 * How long the receiver asked us to wait, in ms: the largest of `Retry-After` (seconds or HTTP-date),
 * `X-RateLimit-Reset-After` (Discord, fractional seconds), a Discord JSON body's `retry_after`
 * (fractional seconds) and a Telegram body's `parameters.retry_after`, capped at one hour; null when none is present or parseable.
 */
export function parseRetryAfter(input: { headers: ResponseHeaders; bodyText?: string; nowMs: number }): number | null {
  const { headers, bodyText, nowMs } = input;
  const candidates: number[] = [];
  for (const value of headerValues(headers, 'retry-after')) {
    const ms = retryAfterHeaderMs(value, nowMs);
    if (ms !== null) candidates.push(ms);
  }
  for (const value of headerValues(headers, 'x-ratelimit-reset-after')) {
    const ms = secondsToMs(value);
    if (ms !== null) candidates.push(ms);
  }
  const body = parseJsonObject(bodyText);
  const parameters = body?.['parameters'];
  // Discord: `retry_after` (seconds) at the top; Telegram: `parameters.retry_after` (whole seconds).
  const telegramRetryAfter =
    typeof parameters === 'object' && parameters !== null ? (parameters as Record<string, unknown>)['retry_after'] : undefined;
  for (const bodyRetryAfter of [body?.['retry_after'], telegramRetryAfter]) {
    if (typeof bodyRetryAfter === 'number' && Number.isFinite(bodyRetryAfter) && bodyRetryAfter >= 0) {
      candidates.push(Math.ceil(bodyRetryAfter * 1000));
    }
  }
  if (candidates.length === 0) return null;
  return Math.min(Math.max(...candidates), MAX_RETRY_AFTER_MS);
}

/** Whether a Discord 429 limits the whole bot/application rather than this one webhook route. */
export function isDiscordGlobalRateLimit(headers: ResponseHeaders, bodyText?: string): boolean {
  if (headerValues(headers, 'x-ratelimit-global').some((v) => v.toLowerCase() === 'true')) return true;
  if (headerValues(headers, 'x-ratelimit-scope').some((v) => v.toLowerCase() === 'global')) return true;
  return parseJsonObject(bodyText)?.['global'] === true;
}
