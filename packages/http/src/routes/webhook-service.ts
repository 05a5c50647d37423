import {
  checkRequestHeaders,
  inferWebhookType,
  maskRequestHeaders,
  maskWebhookUrl,
  parseChannelTarget,
  type WebhookType,
} from '@herald/core';
import { generateWebhookSecret } from '@herald/crypto';
import { insertOrgWebhookWithinCap, insertWebhook, updateWebhookRow, type Webhook } from '@herald/db';
import type { ServerDeps } from '../server-deps';
import type { CreateWebhookInput, UpdateWebhookInput } from '../validation/webhook-input';
import { validateDestination, type RefusalAudience } from '../validation/destination-url';
import { privateTargetsOf } from '../validation/private-targets';
import { badRequest, conflict } from '../http-errors';

export function presentWebhook(webhook: Webhook) {
  return {
    id: webhook.id,
    name: webhook.name,
    url: webhook.urlMasked,
    type: webhook.type,
    alert_types: webhook.alertTypes,
    severities: webhook.severities,
    enabled: webhook.enabled,
    org_id: webhook.orgId,
    retry_schedule: webhook.retrySchedule,
    rate_limit: webhook.rateLimit ?? null,
    disabled_reason: webhook.disabledReason,
    disabled_at: webhook.disabledAt?.toISOString() ?? null,
    signed: webhook.signingSecretEncrypted !== null,
    /** Names only: every value shows as ••••. */
    headers: maskRequestHeaders(Object.fromEntries(webhook.headerNames.map((name) => [name, '']))),
    created_at: webhook.createdAt.toISOString(),
    updated_at: webhook.updatedAt.toISOString(),
  };
}

function rateLimitValue(input: CreateWebhookInput['rate_limit']) {
  if (input === undefined) return undefined;
  return input === null ? null : { limit: input.limit, intervalMs: input.interval_ms, ...(input.burst ? { burst: input.burst } : {}) };
}

/** 422 naming `field` when the URL does not have the shape the type needs (the message never quotes the URL). */
function assertUrlFitsType(type: WebhookType, url: string, field: string): void {
  const target = parseChannelTarget(type, url);
  if (!target.ok) throw badRequest([{ field, message: `${type}: ${target.message}` }], 422);
}

/** The headers' columns: encrypted JSON and the names; 422 naming the header that cannot be used. */
function headerColumns(deps: ServerDeps, input: Record<string, string> | null) {
  if (input === null || Object.keys(input).length === 0) return { headersEncrypted: null, headerNames: [] };
  const checked = checkRequestHeaders(input);
  if (!checked.ok) throw badRequest([{ field: checked.name ? `headers.${checked.name}` : 'headers', message: checked.message }], 422);
  return { headersEncrypted: deps.cipher.encrypt(JSON.stringify(checked.headers)), headerNames: Object.keys(checked.headers) };
}

export interface WebhookSaveOptions {
  /** The request body's field that holds the URL, named by URL errors (default `url`). */
  urlField?: string;
  /** Who made the request: a tenant is told only that the network policy refused a destination. */
  audience?: RefusalAudience;
}

/** Creates a webhook: the URL is checked, encrypted and masked; a generic one gets a signing secret, shown once. */
export async function createWebhook(
  deps: ServerDeps,
  orgId: number | null,
  input: CreateWebhookInput,
  options: WebhookSaveOptions & { isOrgSetting?: boolean } = {},
) {
  const url = await validateDestination(input.url, await privateTargetsOf(deps, orgId), {
    field: options.urlField,
    audience: options.audience,
  });
  const type = input.type ?? inferWebhookType(url.toString());
  assertUrlFitsType(type, input.url, options.urlField ?? 'url');
  const headers = headerColumns(deps, input.headers ?? null);
  const signingSecret = type === 'generic' ? generateWebhookSecret() : null;
  const row = {
    name: input.name,
    urlEncrypted: deps.cipher.encrypt(input.url),
    urlMasked: maskWebhookUrl(input.url),
    type,
    alertTypes: input.alert_types,
    severities: input.severities,
    enabled: input.enabled,
    orgId,
    isOrgSetting: options.isOrgSetting ?? false,
    signingSecretEncrypted: signingSecret ? deps.cipher.encrypt(signingSecret) : null,
    encryptionKeyId: deps.cipher.primaryKeyId,
    retrySchedule: input.retry_schedule ?? [],
    rateLimit: rateLimitValue(input.rate_limit) ?? undefined,
    ...headers,
  };
  const cap = deps.config.api.maxWebhooksPerOrg;
  const webhook =
    orgId === null ? await insertWebhook(deps.prisma, row) : await insertOrgWebhookWithinCap(deps.prisma, { ...row, orgId }, cap);
  if (webhook === null) {
    throw conflict(`this organization already has the maximum of ${cap} webhooks (HERALD_MAX_WEBHOOKS_PER_ORG); delete one first`);
  }
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
      : await validateDestination(input.url, await privateTargetsOf(deps, existing.orgId), {
          field: options.urlField,
          audience: options.audience,
        });
  if (input.url !== undefined || (input.type !== undefined && input.type !== existing.type)) {
    const urlToCheck = input.url ?? savedUrl(deps, existing);
    // An undecryptable saved URL is mended by saving a URL, checked then.
    if (urlToCheck !== null)
      assertUrlFitsType(input.type ?? existing.type, urlToCheck, input.url !== undefined ? (options.urlField ?? 'url') : 'type');
  }
  const headers = input.headers !== undefined ? headerColumns(deps, input.headers) : {};
  const reenabled = input.enabled === true || url !== undefined;
  const needsSigningSecret = input.type === 'generic' && existing.type !== 'generic' && existing.signingSecretEncrypted === null;
  const webhook = await updateWebhookRow(deps.prisma, existing.id, {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.url !== undefined ? { urlEncrypted: deps.cipher.encrypt(input.url), urlMasked: maskWebhookUrl(input.url) } : {}),
    ...(input.type !== undefined ? { type: input.type } : {}),
    ...(needsSigningSecret ? { signingSecretEncrypted: deps.cipher.encrypt(generateWebhookSecret()) } : {}),
    ...(input.alert_types !== undefined ? { alertTypes: input.alert_types } : {}),
    ...(input.severities !== undefined ? { severities: input.severities } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    ...(input.retry_schedule !== undefined ? { retrySchedule: input.retry_schedule } : {}),
    ...(input.rate_limit !== undefined ? { rateLimit: rateLimitValue(input.rate_limit) ?? undefined } : {}),
    ...headers,
    // Enabling again (or pointing elsewhere) clears an automatic disable and the failure streak.
    ...(reenabled ? { disabledReason: null, disabledAt: null, consecutiveFailures: 0, firstFailureAt: null } : {}),
  });
  await deps.announceDirectoryChange();
  return webhook;
}
