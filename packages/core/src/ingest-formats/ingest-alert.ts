import {
  MAX_MESSAGE_LENGTH,
  MAX_PRINTER_ID,
  MAX_PRINTER_NAME_LENGTH,
  MAX_TIMESTAMP_SECONDS,
  MAX_TITLE_LENGTH,
} from '../alerts/alert-input-schema';
import { ALERT_TYPES, DEFAULT_SEVERITY_BY_TYPE, isAlertType, SEVERITIES, type Severity } from '../alerts/alert-types';
import { cleanMultilineText, cleanSingleLineText } from '../alerts/control-characters';
import type { FieldError } from '../alerts/field-error';
import type { NormalizedAlertInput } from '../alerts/parse-alert-input';
import { truncateText } from '../formatters/truncate';

/** The type saved for an alert whose sender named none (and whose URL has no `alert_type`). */
export const UNKNOWN_ALERT_TYPE = 'unknown';

/** Alert types are short snake_case words; anything else from a sender is not a type. */
const TYPE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** What an ingest URL says beside the body: its query string and its source's default printer. */
export interface IngestContext {
  /** The request's query parameters (first value of each). */
  query: Readonly<Record<string, string | undefined>>;
  /** The source's default printer, used when neither the body nor the query names one. */
  defaultPrinterId: number | null;
  /** When the request arrived, epoch ms: the alert's time when the body gives none. */
  nowMs: number;
}

/** What a body mapped to: an alert, a sender's connection test (not an alert), or a refusal naming the fields. */
export type IngestMapping =
  | {
      kind: 'alert';
      alert: NormalizedAlertInput;
      /** Body fields the format does not use (logged at debug, never refused). */
      ignoredFields: string[];
      /** True when the type is not one of Herald's alert types: saved and delivered as is. */
      unknownType: boolean;
    }
  | { kind: 'test' }
  | { kind: 'rejected'; errors: FieldError[] };

/** The query parameters every ingest URL understands. */
export const INGEST_QUERY_PARAMETERS = ['alert_type', 'printer_id', 'printer_name', 'severity'] as const;

export interface QueryDefaults {
  alertType: string | undefined;
  printerId: number | undefined;
  printerName: string | undefined;
  severity: Severity | undefined;
}

/**
 * The query parameters, checked strictly: the operator typed them into the sender's settings once, so a typo
 * is reported (the sender's own body, which changes with its versions, is read leniently instead).
 */
export function readQueryDefaults(query: IngestContext['query']): { ok: true; value: QueryDefaults } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const { alert_type: alertType, printer_id: printerId, printer_name: printerName, severity } = query;
  if (alertType !== undefined && !isAlertType(alertType)) {
    errors.push({ field: 'query.alert_type', message: `must be one of ${ALERT_TYPES.join(', ')}` });
  }
  const printer = printerId === undefined ? undefined : parsePrinterId(printerId);
  if (printer === null) errors.push({ field: 'query.printer_id', message: `must be an integer between 1 and ${MAX_PRINTER_ID}` });
  if (severity !== undefined && !(SEVERITIES as readonly string[]).includes(severity)) {
    errors.push({ field: 'query.severity', message: `must be one of ${SEVERITIES.join(', ')}` });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { alertType, printerId: printer ?? undefined, printerName, severity: severity as Severity | undefined },
  };
}

/** A printer id given as a JSON number or a string of digits; null when it is neither or out of range. */
export function parsePrinterId(value: unknown): number | null {
  const number = typeof value === 'string' && /^\d{1,10}$/.test(value.trim()) ? Number(value.trim()) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 1 && number <= MAX_PRINTER_ID ? number : null;
}

/** A sender's severity word as Herald's: O.D.I.N. also says `error` for what Herald calls critical. */
export function severityFromWord(value: unknown): Severity | undefined {
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (word === 'error' || word === 'failure' || word === 'critical') return 'critical';
  return (SEVERITIES as readonly string[]).includes(word) ? (word as Severity) : undefined;
}

// Pictographs, flags, variation selectors, joiners, keycaps and skin tones: what an emoji prefix is made of.
const LEADING_EMOJI = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Modifier}|\u{FE0E}|\u{FE0F}|\u{200D}|\u{20E3}|\s)+/u;

/** A title without the emoji a sender puts in front (`🔴 Print failed` → `Print failed`). */
export function stripLeadingEmoji(title: string): string {
  return title.replace(LEADING_EMOJI, '');
}

export interface AlertFields {
  type: string | undefined;
  severity: Severity | undefined;
  title: unknown;
  message: unknown;
  printerId: unknown;
  printerName: unknown;
  timestamp: unknown;
  /** The body's field names for the title and the printer, so errors name what the sender sent. */
  titleField: string;
  printerField: string;
}

/**
 * A normalized alert from the fields a format found, the query's and the source's defaults filling gaps.
 * Text is cleaned and cut to Herald's limits rather than refused (a sender cannot shorten its titles);
 * what cannot be mended (no title, no printer, a timestamp that is no time) is refused, naming the field.
 */
export function buildIngestAlert(fields: AlertFields, defaults: QueryDefaults, context: IngestContext): IngestMapping {
  const errors: FieldError[] = [];
  const type = fields.type !== undefined && TYPE_NAME.test(fields.type) ? fields.type : (defaults.alertType ?? UNKNOWN_ALERT_TYPE);
  const known = isAlertType(type);

  const title = typeof fields.title === 'string' ? truncateText(cleanSingleLineText(fields.title).trim(), MAX_TITLE_LENGTH) : '';
  if (title === '') errors.push({ field: fields.titleField, message: 'required: a non-empty title' });
  const message = typeof fields.message === 'string' ? truncateText(cleanMultilineText(fields.message), MAX_MESSAGE_LENGTH) : '';

  const printerId =
    fields.printerId === undefined || fields.printerId === null
      ? (defaults.printerId ?? context.defaultPrinterId ?? undefined)
      : (parsePrinterId(fields.printerId) ?? undefined);
  if (printerId === undefined) {
    errors.push(
      fields.printerId === undefined || fields.printerId === null
        ? { field: fields.printerField, message: "required: in the body, as ?printer_id= on the URL, or as the source's default printer" }
        : { field: fields.printerField, message: `must be an integer between 1 and ${MAX_PRINTER_ID}` },
    );
  }

  let occurredAtMs = context.nowMs;
  if (fields.timestamp !== undefined && fields.timestamp !== null) {
    const seconds = fields.timestamp;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_TIMESTAMP_SECONDS) {
      errors.push({
        field: 'timestamp',
        message: `must be epoch seconds between 0 (1970-01-01) and ${MAX_TIMESTAMP_SECONDS} (2100-01-01)`,
      });
    } else {
      occurredAtMs = Math.round(seconds * 1000);
    }
  }
  if (errors.length > 0 || printerId === undefined) return { kind: 'rejected', errors };

  const bodyName = typeof fields.printerName === 'string' ? cleanSingleLineText(fields.printerName).trim() : '';
  const printerName = truncateText(bodyName || (defaults.printerName?.trim() ?? ''), MAX_PRINTER_NAME_LENGTH) || null;
  const severity = fields.severity ?? defaults.severity ?? (known ? DEFAULT_SEVERITY_BY_TYPE[type] : 'info');
  return {
    kind: 'alert',
    alert: { type, severity, title, message, printerId, printerName, occurredAtMs, dedupeKey: null, data: null },
    ignoredFields: [],
    unknownType: !known,
  };
}

/** The body as a plain JSON object, or a refusal saying it is not one. */
export function asObject(body: unknown): { ok: true; value: Record<string, unknown> } | { ok: false; mapping: IngestMapping } {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return { ok: true, value: body as Record<string, unknown> };
  const got = body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body;
  return { ok: false, mapping: { kind: 'rejected', errors: [{ field: 'body', message: `expected a JSON object, got ${got}` }] } };
}
