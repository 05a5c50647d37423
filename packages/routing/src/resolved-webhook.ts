import type { ChannelTarget, WebhookType } from '@herald/core';

/** A webhook as the worker needs it: URL and secrets decrypted once, held only in memory. */
export interface ResolvedWebhook {
  id: string;
  name: string;
  type: WebhookType;
  url: string;
  alertTypes: string[];
  /** Empty: every severity. */
  severities: string[];
  orgId: number | null;
  /** Newest first; more than one only while a rotated secret is still valid. */
  signingSecrets: string[];
  retryScheduleSeconds: number[];
  rateLimit: EndpointRateLimit | null;
  /** Where requests go and the address they carry, read from the URL once. */
  target: ChannelTarget;
  /** The webhook's own extra request headers, decrypted (never logged). */
  headers: Record<string, string>;
}

export interface EndpointRateLimit {
  limit: number;
  intervalMs: number;
  burst?: number;
}
