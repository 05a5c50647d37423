import { parseAlertInput } from '../alerts/parse-alert-input';
import { isAlertType } from '../alerts/alert-types';
import { readQueryDefaults, type IngestContext, type IngestMapping } from './ingest-alert';

/**
 * Herald's own alert body (as `POST /v1/alerts` takes it, strictly), for Zapier, n8n, Home Assistant
 * and scripts that can post to a URL but not set a header. The URL's query (or the source's default
 * printer) fills `type`, `printer_id` and `printer_name` when the body leaves them out.
 */
export function mapHeraldBody(body: unknown, context: IngestContext): IngestMapping {
  const query = readQueryDefaults(context.query);
  if (!query.ok) return { kind: 'rejected', errors: query.errors };
  let input = body;
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const fields = body as Record<string, unknown>;
    const printerId = query.value.printerId ?? context.defaultPrinterId ?? undefined;
    input = {
      ...(query.value.alertType !== undefined ? { type: query.value.alertType } : {}),
      ...(printerId !== undefined ? { printer_id: printerId } : {}),
      ...(query.value.printerName !== undefined ? { printer_name: query.value.printerName } : {}),
      ...(query.value.severity !== undefined ? { severity: query.value.severity } : {}),
      ...fields,
    };
  }
  const parsed = parseAlertInput(input, { nowMs: context.nowMs });
  if (!parsed.ok) return { kind: 'rejected', errors: parsed.errors };
  return { kind: 'alert', alert: parsed.alert, ignoredFields: [], unknownType: !isAlertType(parsed.alert.type) };
}
