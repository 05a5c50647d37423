import { inferWebhookType, maskWebhookUrl, type WebhookType } from '@herald/core';
import { generateWebhookSecret } from '@herald/crypto';
import type { Webhook } from '@herald/db';
import type { ServerDeps } from '../server-deps';
import type { CreateWebhookInput, UpdateWebhookInput } from '../validation/webhook-input';
import { validateDestination } from '../validation/destination-url';

export function presentWebhook(webhook: Webhook) {
  return {
    id: webhook.id,
    name: webhook.name,
    url: webhook.urlMasked,
    type: webhook.type,
    alert_types: webhook.alertTypes,
    enabled: webhook.enabled,
    org_id: webhook.orgId,
    retry_schedule: webhook.retrySchedule,
    rate_limit: webhook.rateLimit ?? null,
    disabled_reason: webhook.disabledReason,
    disabled_at: webhook.disabledAt?.toISOString() ?? null,
    signed: webhook.signingSecretEncrypted !== null,
    created_at: webhook.createdAt.toISOString(),
    updated_at: webhook.updatedAt.toISOString(),
  };
}

function rateLimitValue(input: CreateWebhookInput['rate_limit']) {
  if (input === undefined) return undefined;
  return input === null ? null : { limit: input.limit, intervalMs: input.interval_ms, ...(input.burst ? { burst: input.burst } : {}) };
}

export interface WebhookSaveOptions {
  /** The request body's field that holds the URL, named by URL errors (default `url`). */
  urlField?: string;
}

/** Creates a webhook: the URL is checked, encrypted and masked; a generic one gets a signing secret, shown once. */
export async function createWebhook(
  deps: ServerDeps,
  orgId: number | null,
  input: CreateWebhookInput,
  options: WebhookSaveOptions & { isOrgSetting?: boolean } = {},
) {
  const url = await validateDestination(input.url, deps.config.allowedPrivateTargets, { field: options.urlField });
  const type = input.type ?? inferWebhookType(url.toString());
  const signingSecret = type === 'generic' ? generateWebhookSecret() : null;
  const webhook = await deps.prisma.webhook.create({
    data: {
      name: input.name,
      urlEncrypted: deps.cipher.encrypt(input.url),
      urlMasked: maskWebhookUrl(input.url),
      type,
      alertTypes: input.alert_types,
      enabled: input.enabled,
      orgId,
      isOrgSetting: options.isOrgSetting ?? false,
      signingSecretEncrypted: signingSecret ? deps.cipher.encrypt(signingSecret) : null,
      encryptionKeyId: deps.cipher.primaryKeyId,
      retrySchedule: input.retry_schedule ?? [],
      rateLimit: rateLimitValue(input.rate_limit) ?? undefined,
    },
  });
  await deps.announceDirectoryChange();
  return { webhook, signingSecret };
}

/**
 * The type to save with a URL given without one: what creation would infer from it, or undefined
 * (keep the current type) when the URL is the one already saved.
 */
export function typeForNewUrl(deps: ServerDeps, existing: Webhook, url: string): WebhookType | undefined {
  return savedUrl(deps, existing) === url ? undefined : inferWebhookType(url);
}

/** Null when no configured key opens the saved URL (a webhook disabled as undecryptable): saving a URL is how it is mended. */
function savedUrl(deps: ServerDeps, webhook: Webhook): string | null {
  try {
    return deps.cipher.decrypt(webhook.urlEncrypted);
  } catch {
    return null;
  }
}

/** Changes a webhook; one that becomes generic without a signing secret gets one, as creation would give it. */
export async function updateWebhook(deps: ServerDeps, existing: Webhook, input: UpdateWebhookInput, options: WebhookSaveOptions = {}) {
  const url =
    input.url === undefined
      ? undefined
      : await validateDestination(input.url, deps.config.allowedPrivateTargets, { field: options.urlField });
  const reenabled = input.enabled === true || url !== undefined;
  const needsSigningSecret = input.type === 'generic' && existing.type !== 'generic' && existing.signingSecretEncrypted === null;
  const webhook = await deps.prisma.webhook.update({
    where: { id: existing.id },
    data: {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.url !== undefined ? { urlEncrypted: deps.cipher.encrypt(input.url), urlMasked: maskWebhookUrl(input.url) } : {}),
      ...(input.type !== undefined ? { type: input.type } : {}),
      ...(needsSigningSecret ? { signingSecretEncrypted: deps.cipher.encrypt(generateWebhookSecret()) } : {}),
      ...(input.alert_types !== undefined ? { alertTypes: input.alert_types } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      ...(input.retry_schedule !== undefined ? { retrySchedule: input.retry_schedule } : {}),
      ...(input.rate_limit !== undefined ? { rateLimit: rateLimitValue(input.rate_limit) ?? undefined } : {}),
      // Enabling again (or pointing elsewhere) clears an automatic disable and the failure streak.
      ...(reenabled ? { disabledReason: null, disabledAt: null, consecutiveFailures: 0, firstFailureAt: null } : {}),
    },
  });
  await deps.announceDirectoryChange();
  return webhook;
}
