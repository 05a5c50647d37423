import { USER_AGENT } from '@herald/config';
import { RESERVED_REQUEST_HEADERS } from '@herald/core';
import { signWebhook } from '@herald/crypto';

/** What the headers depend on: the webhook's type, signing secrets (newest first), own headers and channel's headers. */
export interface RequestTarget {
  type: string;
  signingSecrets: readonly string[];
  /** The webhook's own extra request headers, decrypted. */
  headers: Readonly<Record<string, string>>;
  /** What the channel needs (WhatsApp's bearer token), from its resolved target. */
  target: { headers: Readonly<Record<string, string>> };
}

/**
 * The webhook's own headers first (an ntfy token, an n8n header secret), then what the channel needs
 * (WhatsApp's bearer token), then Herald's, which nothing overrides: every request names its delivery
 * (`webhook-id`, the same on every retry) so a receiver can drop a repeat, and generic webhooks are
 * also signed the Standard Webhooks way. Host and Content-Length are set by the HTTP client.
 */
export function buildRequestHeaders(webhook: RequestTarget, deliveryId: string, body: string, nowMs: number): Record<string, string> {
  const timestampSeconds = Math.floor(nowMs / 1000);
  // Refused when saved; dropped here as well, so no stored value can pose as Herald's.
  const own = Object.entries(webhook.headers).filter(([name]) => !RESERVED_REQUEST_HEADERS.has(name.toLowerCase()));
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    ...Object.fromEntries(own),
    ...webhook.target.headers,
    'content-type': 'application/json',
    'webhook-id': deliveryId,
    'webhook-timestamp': String(timestampSeconds),
  };
  if (webhook.type === 'generic' && webhook.signingSecrets.length > 0) {
    headers['webhook-signature'] = signWebhook({ id: deliveryId, timestampSeconds, body, secrets: webhook.signingSecrets });
  }
  return headers;
}
