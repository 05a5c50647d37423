import { z } from 'zod';
import { ALERT_TYPES, INGEST_SOURCE_KINDS, SEVERITIES, WEBHOOK_TYPES } from '@herald/core';
import { TOKEN_ROLES } from '../tokens/token-service';

/** What the routes answer, for the generated OpenAPI document (the presenters build the answers). */

export const ALERT_STATUSES = ['queued', 'dispatched', 'delivered', 'partially_failed', 'failed', 'suppressed', 'no_targets'] as const;
export const DELIVERY_STATUSES = ['pending', 'delivered', 'retrying', 'failed', 'dead', 'cancelled'] as const;

const id = z.string().meta({ format: 'uuid' });
const time = z.string().meta({ format: 'date-time' });

export const errorSchema = z
  .object({
    error: z.string().meta({ description: 'Machine-readable code, e.g. `validation_failed`' }),
    message: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({
    id: 'Error',
    example: { error: 'validation_failed', message: 'name: Too small', errors: [{ field: 'name', message: 'Too small' }] },
  });

export const webhookSchema = z
  .object({
    id,
    name: z.string(),
    url: z.string().meta({
      description:
        "Masked: scheme, the host's last two labels (IP addresses whole) and the last four characters of a path of 12 or more, e.g. `https://discord.com/…/••••wxyz`, `http://127.0.0.1:9/…/••••`.",
    }),
    type: z.enum(WEBHOOK_TYPES),
    alert_types: z.array(z.enum(ALERT_TYPES as [string, ...string[]])).meta({ description: 'Empty: every type.' }),
    severities: z.array(z.enum(SEVERITIES)).meta({ description: 'Empty: every severity; `["critical"]`: failures only.' }),
    enabled: z.boolean(),
    org_id: z.number().int().nullable(),
    retry_schedule: z.array(z.number().int()).optional().meta({ description: 'Seconds between attempts; empty: the global schedule.' }),
    rate_limit: z.object({ limit: z.number(), interval_ms: z.number(), burst: z.number().optional() }).nullable().optional(),
    disabled_reason: z.string().nullable().optional(),
    disabled_at: time.nullable().optional(),
    signed: z.boolean().meta({ description: 'Requests carry a `webhook-signature` header.' }),
    headers: z
      .record(z.string(), z.literal('••••'))
      .optional()
      .meta({ description: 'Extra request headers by name; values are never shown.' }),
    created_at: time,
    updated_at: time,
  })
  .meta({ id: 'Webhook' });

export const createdWebhookSchema = webhookSchema
  .extend({ signing_secret: z.string().optional().meta({ description: 'Generic webhooks only; shown once.' }) })
  .meta({ id: 'CreatedWebhook' });

export const attemptSchema = z
  .object({
    attempt: z.number().int(),
    started_at: time,
    duration_ms: z.number().int(),
    status_code: z.number().int().nullable(),
    outcome: z.enum(['delivered', 'retry', 'throttled', 'failed']),
    error_class: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'DeliveryAttempt' });

export const deliverySchema = z
  .object({
    id,
    kind: z.enum(['alert', 'digest', 'notice']),
    alert_id: id.nullable(),
    digest_id: id.nullable(),
    webhook_id: id.nullable().meta({ description: 'Null once the webhook is deleted (see webhook_name).' }),
    webhook_name: z.string().nullable().meta({ description: "The webhook's name, kept once the webhook is deleted." }),
    webhook: z.object({ id, name: z.string(), type: z.enum(WEBHOOK_TYPES), url: z.string().meta({ description: 'Masked' }) }).optional(),
    status: z.enum(DELIVERY_STATUSES),
    attempt_count: z.number().int(),
    next_attempt_at: time.nullable(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: time,
    delivered_at: time.nullable(),
    latency_ms: z.number().int().nullable().meta({ description: 'Alert receipt to 2xx' }),
    attempts: z.array(attemptSchema).optional().meta({ description: 'Only on single-delivery and single-alert answers.' }),
  })
  .meta({ id: 'Delivery' });

export const alertSchema = z
  .object({
    id,
    type: z.string().meta({
      examples: [...ALERT_TYPES],
      description: 'One of the 14 alert types, or (through an ingest URL) a type a newer sender knows, or `unknown` when it named none.',
    }),
    unknown_type: z.literal(true).optional().meta({ description: 'Present when `type` is not one of the 14 alert types.' }),
    severity: z.enum(SEVERITIES),
    title: z.string(),
    message: z.string(),
    printer_id: z.number().int().nullable(),
    printer_name: z.string().nullable(),
    org_id: z.number().int().nullable(),
    timestamp: z.number().meta({ description: 'Epoch seconds' }),
    received_at: time,
    dedupe_key: z.string().nullable(),
    data: z.unknown(),
    status: z.enum(ALERT_STATUSES),
    status_reason: z.string().nullable(),
    digest_id: id.nullable(),
    deliveries: z
      .array(deliverySchema)
      .optional()
      .meta({ description: 'Only on GET /v1/alerts/{id}: one page (deliveries_limit), oldest first.' }),
    deliveries_next_cursor: id
      .nullable()
      .optional()
      .meta({ description: 'Only on GET /v1/alerts/{id}: pass as deliveries_cursor for the next page; null on the last.' }),
  })
  .meta({ id: 'Alert' });

export const organizationSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    enterprise: z.boolean(),
    allowed_private_targets: z
      .array(z.string())
      .meta({ description: "Private targets this organization's webhooks may reach; only an admin changes it." }),
    created_at: time,
  })
  .meta({
    id: 'Organization',
    example: { id: 1, name: 'Main farm', enterprise: true, allowed_private_targets: [], created_at: '2026-12-01T08:00:00.000Z' },
  });

export const printerResponseSchema = z
  .object({ id: z.number().int(), name: z.string(), org_id: z.number().int().nullable() })
  .meta({ id: 'Printer', example: { id: 3, name: 'Prusa MK4 #3', org_id: 1 } });

export const tokenSchema = z
  .object({
    id,
    name: z.string(),
    role: z.enum(TOKEN_ROLES),
    org_id: z.number().int().nullable(),
    prefix: z.string().meta({ description: 'First characters of the secret, to recognise it.' }),
    created_at: time,
    revoked_at: time.nullable(),
    last_used_at: time.nullable(),
  })
  .meta({ id: 'Token' });

export const createdTokenSchema = tokenSchema
  .extend({ secret: z.string().meta({ description: 'Shown once; store it now.' }) })
  .meta({ id: 'CreatedToken' });

export const ingestSourceSchema = z
  .object({
    id,
    name: z.string(),
    kind: z.enum(INGEST_SOURCE_KINDS),
    org_id: z.number().int().nullable(),
    default_printer_id: z.number().int().nullable(),
    url: z.string().meta({ description: 'Masked: `/v1/ingest/••••<last 4 characters of the key>`.' }),
    accepted_count: z.number().int(),
    rejected_count: z.number().int(),
    last_used_at: time.nullable(),
    last_test_at: time.nullable().meta({ description: "The sender's last connection test (O.D.I.N.'s Test button)." }),
    created_at: time,
    revoked_at: time.nullable(),
  })
  .meta({ id: 'IngestSource' });

export const createdIngestSourceSchema = ingestSourceSchema
  .extend({
    url: z.string().meta({ description: 'The full ingest URL, key included; shown once.' }),
    key: z.string().meta({ description: 'Shown once; store it now (Herald keeps its SHA-256 only).' }),
  })
  .meta({ id: 'CreatedIngestSource' });

export const quietHoursSchema = z
  .object({
    enabled: z.boolean(),
    start: z.string(),
    end: z.string(),
    timezone: z.string(),
    digest: z.boolean(),
    bypass_severities: z.array(z.enum(SEVERITIES)),
    digest_when_empty: z.boolean(),
  })
  .meta({ id: 'QuietHours' });

export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item) });

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    next_cursor: id.nullable().meta({ description: 'Pass as `cursor` for the next (older) page; null on the last page.' }),
  });

/** The usual error answers of a route, by status. */
export const errors = (...statuses: (400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 502 | 503)[]) =>
  Object.fromEntries(statuses.map((status) => [status, errorSchema])) as Record<number, typeof errorSchema>;

/** 401 and 403 for routes behind a role, plus the given statuses. */
export const guarded = (...statuses: Parameters<typeof errors>) => errors(401, 403, 429, ...statuses);
