import type { Severity } from '../alerts/alert-types';
import { asObject, buildIngestAlert, readQueryDefaults, type IngestContext, type IngestMapping } from './ingest-alert';

const APPRISE_FIELDS = ['version', 'title', 'message', 'type', 'attachments'];

/** Apprise's notification types as Herald's severities. */
export const SEVERITY_BY_APPRISE_TYPE: Record<string, Severity> = {
  failure: 'critical',
  warning: 'warning',
  info: 'info',
  success: 'info',
};

/**
 * Apprise's `json://` payload (`{version, title, message, type, attachments}`), as Moonraker's
 * `[notifier]`, OctoPrint's Apprise plugin and many home-lab tools send it. The alert type and printer
 * come from the URL's query; the severity from the query, else the alert type's, else Apprise's type.
 * A notification without a title takes its message's first line as one.
 */
export function mapAppriseBody(body: unknown, context: IngestContext): IngestMapping {
  const object = asObject(body);
  if (!object.ok) return object.mapping;
  const fields = object.value;
  const query = readQueryDefaults(context.query);
  if (!query.ok) return { kind: 'rejected', errors: query.errors };
  const message = typeof fields.message === 'string' ? fields.message : typeof fields.body === 'string' ? fields.body : '';
  const title = typeof fields.title === 'string' && fields.title.trim() !== '' ? fields.title : (message.trim().split('\n')[0] ?? '');
  const appriseSeverity = typeof fields.type === 'string' ? SEVERITY_BY_APPRISE_TYPE[fields.type.toLowerCase()] : undefined;
  const mapping = buildIngestAlert(
    {
      type: undefined,
      // Apprise's type says how bad it is only when the URL names no alert type (whose own severity wins).
      severity: query.value.severity ?? (query.value.alertType === undefined ? appriseSeverity : undefined),
      title,
      message,
      printerId: undefined,
      printerName: undefined,
      timestamp: undefined,
      titleField: 'title',
      printerField: 'query.printer_id',
    },
    query.value,
    context,
  );
  return mapping.kind === 'alert'
    ? { ...mapping, ignoredFields: Object.keys(fields).filter((key) => !APPRISE_FIELDS.includes(key)) }
    : mapping;
}
