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
  /**
   * The private targets it may reach: its organization's own allow-list (empty when the
   * organization has none), or null for a system webhook (HERALD_ALLOWED_PRIVATE_TARGETS applies).
   */
  allowedPrivateTargets: readonly string[] | null;
}

export interface EndpointRateLimit {
  limit: number;
  intervalMs: number;
  burst?: number;
}
