import { USER_AGENT } from '@herald/config';
import { signWebhook } from '@herald/crypto';
import type { ResolvedWebhook } from '../directory/resolved-webhook';

/**
 * Every request names its delivery (`webhook-id`, the same on every retry) so a receiver can
 * drop a repeat; generic webhooks are also signed the Standard Webhooks way.
 */
export function buildRequestHeaders(webhook: ResolvedWebhook, deliveryId: string, body: string, nowMs: number): Record<string, string> {
  const timestampSeconds = Math.floor(nowMs / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': deliveryId,
    'webhook-timestamp': String(timestampSeconds),
  };
  if (webhook.type === 'generic' && webhook.signingSecrets.length > 0) {
    headers['webhook-signature'] = signWebhook({ id: deliveryId, timestampSeconds, body, secrets: webhook.signingSecrets });
  }
  return headers;
}
