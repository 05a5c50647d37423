import type { z } from 'zod';
import { alertBatchSchema, alertInputSchema, ALERT_INPUT_FIELDS, type AlertInputWire, MAX_BATCH_SIZE } from './alert-input-schema';
import { DEFAULT_SEVERITY_BY_TYPE, type Severity } from './alert-types';
import type { FieldError } from './field-error';
import type { JsonObject } from './json-data';
import { fieldMessages, toFieldErrors } from './zod-issues';

/** A validated alert, camelCase, with defaults applied and control characters removed. */
export interface NormalizedAlertInput {
  /** One of ALERT_TYPES, or (through an ingest URL) a type a newer sender knows: saved and delivered as is. */
  type: string;
  severity: Severity;
  title: string;
  message: string;
  printerId: number;
  printerName: string | null;
  /** Epoch milliseconds (the input's seconds, fractional part kept to the millisecond). */
  occurredAtMs: number;
  dedupeKey: string | null;
  data: JsonObject | null;
}

export interface ParseOptions {
  /** The time the alert is received, epoch ms: the default `timestamp`. */
  nowMs: number;
}

export type ParseAlertResult = { ok: true; alert: NormalizedAlertInput } | { ok: false; errors: FieldError[] };
export type ParseAlertBatchResult = { ok: true; alerts: NormalizedAlertInput[] } | { ok: false; errors: FieldError[] };

const UNKNOWN_FIELD = `unknown field (allowed: ${ALERT_INPUT_FIELDS.join(', ')})`;

function normalize(wire: AlertInputWire, opts: ParseOptions): NormalizedAlertInput {
  return {
    type: wire.type,
    severity: wire.severity ?? DEFAULT_SEVERITY_BY_TYPE[wire.type],
    title: wire.title,
    message: wire.message,
    printerId: wire.printer_id,
    // A name that was only whitespace or control characters is no name.
    printerName: wire.printer_name ? wire.printer_name : null,
    occurredAtMs: wire.timestamp === null || wire.timestamp === undefined ? opts.nowMs : Math.round(wire.timestamp * 1000),
    dedupeKey: wire.dedupe_key ?? null,
    data: (wire.data ?? null) as JsonObject | null,
  };
}

const BATCH_UNKNOWN_FIELD = 'unknown field (allowed: alerts)';

function failed(error: z.ZodError, unknownKeyMessage: (objectPath: readonly PropertyKey[]) => string): { ok: false; errors: FieldError[] } {
  return { ok: false, errors: toFieldErrors(error.issues, unknownKeyMessage) };
}

/** Validates one alert as posted to `POST /v1/alerts`. */
export function parseAlertInput(input: unknown, opts: ParseOptions): ParseAlertResult {
  const result = alertInputSchema.safeParse(input, { error: fieldMessages });
  if (!result.success) return failed(result.error, () => UNKNOWN_FIELD);
  return { ok: true, alert: normalize(result.data, opts) };
}

/** Validates `{ alerts: [...] }` (1..1000 items), all or nothing: errors are named `alerts.<index>.<field>`. */
export function parseAlertBatch(input: unknown, opts: ParseOptions): ParseAlertBatchResult {
  const alerts = (input as { alerts?: unknown } | null)?.alerts;
  // An oversized batch is refused as a whole before its items are looked at one by one.
  if (Array.isArray(alerts) && alerts.length > MAX_BATCH_SIZE) {
    return { ok: false, errors: [{ field: 'alerts', message: `must contain at most ${MAX_BATCH_SIZE} items, got ${alerts.length}` }] };
  }
  const result = alertBatchSchema.safeParse(input, { error: fieldMessages });
  if (!result.success) return failed(result.error, (objectPath) => (objectPath.length === 0 ? BATCH_UNKNOWN_FIELD : UNKNOWN_FIELD));
  return { ok: true, alerts: result.data.alerts.map((wire) => normalize(wire, opts)) };
}
