import { z } from 'zod';
import { ALERT_TYPES, SEVERITIES, WEBHOOK_TYPES } from '@herald/core';

const alertTypes = z.array(z.enum(ALERT_TYPES as [string, ...string[]])).max(ALERT_TYPES.length);
// Empty: every severity; ["critical"] is "failures only".
const severities = z.array(z.enum(SEVERITIES)).max(SEVERITIES.length);
const retrySchedule = z.array(z.number().int().min(1).max(86_400)).max(30);
const rateLimit = z
  .strictObject({
    limit: z.number().int().min(1).max(10_000),
    interval_ms: z.number().int().min(100).max(3_600_000),
    burst: z.number().int().min(1).max(10_000).optional(),
  })
  .nullable();

/** Extra request headers, name to value; null (on update) removes them all. Values are secrets: never echoed. */
const requestHeaders = z.record(z.string().min(1).max(100), z.string().max(4096));

export const createWebhookSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  url: z.string().min(1).max(2048),
  type: z.enum(WEBHOOK_TYPES).optional(),
  alert_types: alertTypes.default([]),
  severities: severities.default([]),
  enabled: z.boolean().default(true),
  retry_schedule: retrySchedule.optional(),
  rate_limit: rateLimit.optional(),
  headers: requestHeaders.optional(),
});

export const updateWebhookSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  url: z.string().min(1).max(2048).optional(),
  type: z.enum(WEBHOOK_TYPES).optional(),
  alert_types: alertTypes.optional(),
  severities: severities.optional(),
  enabled: z.boolean().optional(),
  retry_schedule: retrySchedule.optional(),
  rate_limit: rateLimit.optional(),
  headers: requestHeaders.nullable().optional(),
});

export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;
export type UpdateWebhookInput = z.infer<typeof updateWebhookSchema>;
