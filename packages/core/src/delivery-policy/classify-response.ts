export type ResponseClass = 'delivered' | 'retry' | 'fail' | 'gone';

const RETRYABLE_4XX = new Set([408, 425, 429]);
const GONE = new Set([404, 410]);

/**
 * What an HTTP status means for a webhook delivery. 'gone' (404/410) is for the caller to interpret:
 * a deleted Discord or Slack webhook is gone for good, a generic endpoint may just be misconfigured.
 * Redirects are not followed, so 3xx fails like any other unexpected answer.
 */
export function classifyResponse(statusCode: number): ResponseClass {
  if (statusCode >= 200 && statusCode < 300) return 'delivered';
  if (RETRYABLE_4XX.has(statusCode) || (statusCode >= 500 && statusCode < 600)) return 'retry';
  if (GONE.has(statusCode)) return 'gone';
  return 'fail';
}
