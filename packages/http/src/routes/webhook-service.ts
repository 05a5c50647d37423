import { inferWebhookType, maskWebhookUrl } from '@herald/core';
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

/** Creates a webhook: the URL is checked, encrypted and masked; a generic one gets a signing secret, shown once. */
export async function createWebhook(
  deps: ServerDeps,
  orgId: number | null,
  input: CreateWebhookInput,
  options: { isOrgSetting?: boolean } = {},
) {
  const url = await validateDestination(input.url, deps.config.allowedPrivateTargets);
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

export async function updateWebhook(deps: ServerDeps, existing: Webhook, input: UpdateWebhookInput) {
  const url = input.url === undefined ? undefined : await validateDestination(input.url, deps.config.allowedPrivateTargets);
  const reenabled = input.enabled === true || url !== undefined;
  const webhook = await deps.prisma.webhook.update({
    where: { id: existing.id },
    data: {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.url !== undefined ? { urlEncrypted: deps.cipher.encrypt(input.url), urlMasked: maskWebhookUrl(input.url) } : {}),
      ...(input.type !== undefined ? { type: input.type } : {}),
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
