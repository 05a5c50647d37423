export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Every alert type O.D.I.N. emits, with the severity it carries unless the ingestor says otherwise. */
export const DEFAULT_SEVERITY_BY_TYPE = {
  print_complete: 'info',
  job_submitted: 'info',
  job_approved: 'info',
  bed_cooled: 'info',
  spool_low: 'warning',
  maintenance_overdue: 'warning',
  job_rejected: 'warning',
  first_layer_issue: 'warning',
  queue_skipped: 'warning',
  print_failed: 'critical',
  printer_error: 'critical',
  spaghetti_detected: 'critical',
  detachment_detected: 'critical',
  queue_failed_start: 'critical',
} as const satisfies Record<string, Severity>;

export type AlertType = keyof typeof DEFAULT_SEVERITY_BY_TYPE;
export const ALERT_TYPES = Object.keys(DEFAULT_SEVERITY_BY_TYPE) as AlertType[];

export function isAlertType(value: string): value is AlertType {
  return Object.prototype.hasOwnProperty.call(DEFAULT_SEVERITY_BY_TYPE, value);
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** Discord embed colour by the alert's actual severity. */
export const DISCORD_COLOR_BY_SEVERITY: Record<Severity, number> = {
  info: 65280,
  warning: 16753920,
  critical: 16711680,
};

export const WEBHOOK_TYPES = ['discord', 'slack', 'generic', 'telegram', 'ntfy', 'teams', 'pushover', 'whatsapp'] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

/** An alert as the formatters and the quiet-hours rule see it: no database ids beyond its own. */
export interface AlertView {
  id: string;
  type: AlertType;
  severity: Severity;
  title: string;
  message: string;
  printerId: number;
  printerName: string | null;
  orgId: number | null;
  /** When the event happened, epoch milliseconds (fractional seconds kept to the millisecond). */
  occurredAtMs: number;
}

/** The stored alert fields an AlertView is made from (a database row, whatever its other columns). */
export type AlertRecord = Omit<AlertView, 'type' | 'occurredAtMs'> & { type: string; occurredAt: Date };

export function toAlertView(record: AlertRecord): AlertView {
  return {
    id: record.id,
    type: record.type as AlertType,
    severity: record.severity,
    title: record.title,
    message: record.message,
    printerId: record.printerId,
    printerName: record.printerName,
    orgId: record.orgId,
    occurredAtMs: record.occurredAt.getTime(),
  };
}
